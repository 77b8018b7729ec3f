"""The follow-up's own diagram (processes/insistencia.bpmn): the area answers, the customer's conformity
closes it or sends it to a supervisor; a missed deadline escalates by timer; the supervisor's answer closes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import HumanTask, Notification
from app.services.cases import answers, task_service, timer_service
from tests.conftest import user
from tests.services.followups.conftest import (
    NEGOCIO,
    answer_followup,
    answered_complaint,
    fresh,
    overdue_complaint,
    ready,
    with_followup,
)


def test_the_customer_is_satisfied_and_the_follow_up_closes():
    followup = answer_followup(with_followup(overdue_complaint(NEGOCIO), disagrees=False), "Ya le respondimos.")
    assert answers.answer_of(followup).text == "Ya le respondimos." and followup.first_responded_at is not None
    task_service.complete_task(ready(followup, "conformidad_cliente").id, {"conforme": True}, user("supervisor"))
    closed = fresh(followup)
    assert closed.status == "closed" and closed.report["solution"] == "Ya le respondimos."


def test_the_customer_disagrees_and_a_supervisor_answers_with_the_history():
    earlier = answered_complaint(NEGOCIO)
    followup = answer_followup(with_followup(earlier, disagrees=True))
    task_service.complete_task(ready(followup, "conformidad_cliente").id,
                               {"conforme": False, "comentario_conformidad": "Sigue igual."}, user("supervisor"))
    followup = fresh(followup)
    assert followup.status == "escalated" and followup.escalated_at is not None
    task = ready(followup, "atender_escalada")
    assert earlier.number in task.instructions and "Sigue igual." in task.instructions
    assert db.session.scalar(select(Notification).where(Notification.ticket_id == followup.id)) is not None
    task_service.complete_task(task.id, {"answer": "El supervisor ajustó su plan sin costo."}, user("supervisor"))
    closed = fresh(followup)
    assert closed.status == "closed" and answers.answer_of(closed).text.startswith("El supervisor")


def test_a_missed_deadline_escalates_the_follow_up_by_timer():
    followup = with_followup(overdue_complaint(NEGOCIO), disagrees=False)
    clock.freeze(followup.response_due_at + timedelta(minutes=1))
    timer_service.fire_due_timers()
    followup = fresh(followup)
    assert followup.status == "escalated" and ready(followup, "responder_insistencia") is None
    assert ready(followup, "atender_escalada").lane == "Supervisor"
    assert db.session.scalar(select(HumanTask.id).where(HumanTask.ticket_id == followup.id,
                                                        HumanTask.status == "ready")) is not None
