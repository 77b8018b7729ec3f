"""The staff ticket page shows both SLA targets with their state (on time, paused, breached)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from app import clock
from app.extensions import db
from app.models import Ticket
from app.services.cases import task_service
from tests.conftest import user
from tests.staff.conftest import open_complaint, ready_task, validate


def deadline(page: str, element_id: str) -> str:
    return re.sub(r"\s+", " ", re.search(rf'<dd id="{element_id}">(.*?)</dd>', page, re.S).group(1))


def test_response_and_resolution_deadlines_with_their_state(staff):
    clock.freeze(datetime(2026, 12, 4, 17, tzinfo=clock.OFFICE_TZ))
    ticket = open_complaint()  # priority media: 4 h to answer, 18 h to resolve, horario comercial
    supervisor = staff("supervisor")
    page = supervisor.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "Fecha máxima de respuesta" in page and "—" in deadline(page, "sla-response")

    validate(ticket)
    ticket = db.session.get(Ticket, ticket.id)
    page = supervisor.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "5 dic 2026, 12:00" in deadline(page, "sla-response") and "Cumplido a tiempo" in deadline(page,
                                                                                                    "sla-response")
    resolution = deadline(page, "sla-resolution")
    assert "8 dic 2026, 12:00" in resolution and "En plazo" in resolution  # 1 + 5 + 9 + 3 business hours

    task_service.complete_task(ready_task(ticket, "diagnostico").id, {
        "diagnosis": "Revisión", "outcome": "solicitar_datos", "question": "¿Qué luces tiene el módem?"},
        user(ticket.assignee.username))
    page = supervisor.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "En pausa: esperando al cliente" in deadline(page, "sla-resolution")

    clock.advance(timedelta(days=10))
    page = staff("supervisor").get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "En pausa: esperando al cliente" in deadline(page, "sla-resolution")  # waiting breaches nothing
