"""The real complaint diagram going back to diagnosis many times (each round is a new small instance)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import HumanTask, Ticket, WorkflowInstance
from app.services.cases import message_service, task_service
from tests.conftest import user
from tests.services.conftest import open_complaint, validate

ROUNDS = int(__import__("os").environ.get("ROUNDS", "500"))


def ready_task(ticket: Ticket, name: str) -> HumanTask:
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def test_five_hundred_requests_for_details_then_a_clean_close():
    ticket = validate(open_complaint())
    technician = user("tecnico1") if ticket.assignee.username == "tecnico1" else ticket.assignee
    for n in range(ROUNDS):
        diagnosis = ready_task(ticket, "diagnostico")
        task_service.complete_task(diagnosis.id, {"diagnosis": f"Ronda {n}", "outcome": "solicitar_datos",
                                                  "question": "¿Qué luces tiene el módem?"}, technician)
        assert db.session.get(Ticket, ticket.id).status == "waiting_customer"
        message_service.deliver_customer_message(ticket, f"Respuesta {n}")

    diagnosis = ready_task(ticket, "diagnostico")
    assert f"Respuesta {ROUNDS - 1}" in diagnosis.instructions
    task_service.complete_task(diagnosis.id, {"diagnosis": "Módem dañado", "outcome": "remota"}, technician)
    task_service.complete_task(ready_task(ticket, "intervencion_remota").id,
                               {"actions_remote": "Reinicio y reconfiguración del módem"}, technician)
    task_service.complete_task(ready_task(ticket, "pruebas_funcionalidad").id,
                               {"tests_passed": True, "test_notes": "Navegación correcta"}, technician)
    supervisor = user("supervisor")
    task_service.complete_task(ready_task(ticket, "confirmar_resolucion").id, {"solved": True}, supervisor)
    task_service.complete_task(ready_task(ticket, "encuesta_satisfaccion").id, {"score": 5}, supervisor)

    closed = db.session.get(Ticket, ticket.id)
    assert closed.status == "closed"
    assert closed.report["rounds"] == ROUNDS + 1
    assert closed.survey_score == 5
    running = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        WorkflowInstance.ticket_id == ticket.id, WorkflowInstance.status != "completed"))
    assert running == 0
