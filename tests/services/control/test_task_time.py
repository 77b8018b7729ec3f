"""Time on the real complaint diagram: a claim starts a task's clock, a technician may enter his time."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import task_service
from app.services.control import costs
from tests.services.conftest import open_complaint, validate
from tests.services.control.review_data import local


def ready_task(ticket: Ticket, name: str) -> HumanTask:
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def test_claimed_elapsed_time_and_entered_time_price_a_complaint(app):
    clock.freeze(local(2026, 11, 16, 10))
    ticket = validate(open_complaint())  # the agent's validation: at once, 0 minutes
    technician = ticket.assignee

    clock.advance(timedelta(minutes=30))  # ready half an hour before anyone takes it
    diagnosis = ready_task(ticket, "diagnostico")
    task_service.claim(diagnosis.id, technician)
    task_service.release(diagnosis.id, technician)
    assert db.session.get(HumanTask, diagnosis.id).claimed_at is None  # released: not being worked
    task_service.claim(diagnosis.id, technician)
    clock.advance(timedelta(minutes=45))
    task_service.complete_task(diagnosis.id, {"diagnosis": "Módem dañado", "outcome": "remota"}, technician)

    remote = ready_task(ticket, "intervencion_remota")
    with pytest.raises(ValidationFailed) as refused:
        task_service.complete_task(remote.id, {"actions_remote": "Reinicio", "time_spent_minutes": 1441}, technician)
    assert "time_spent_minutes" in refused.value.errors
    clock.advance(timedelta(hours=3))
    task_service.complete_task(remote.id, {"actions_remote": "Reinicio", "time_spent_minutes": 25}, technician)

    cost = costs.ticket_cost(db.session.get(Ticket, ticket.id))
    assert [(t.minutes, t.entered, t.cost) for t in cost.tasks] == [
        (0, False, Decimal("0.00")),  # validation
        (45, False, Decimal("165.00")),  # 45 min from the claim × 220/h (not 75 from ready)
        (25, True, Decimal("91.67")),  # 25 entered × 220/h, not the 3 hours elapsed
    ]
    assert cost.total == Decimal("256.67")
