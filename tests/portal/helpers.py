"""Taking a portal complaint through the staff's steps, through the services (as the staff would)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import task_service
from tests.conftest import user


def ready_task(ticket: Ticket, name: str) -> HumanTask | None:
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def technician(ticket: Ticket):
    return user(db.session.get(Ticket, ticket.id).assignee.username)


def validate(ticket: Ticket, category: str = "sin_servicio") -> Ticket:
    task_service.complete_task(ready_task(ticket, "validar_reporte").id,
                               {"valid": True, "category": category, "priority_override": "sin_cambio"},
                               user("agente"))
    return db.session.get(Ticket, ticket.id)


def request_details(ticket: Ticket, question: str = "¿Qué luces tiene el módem?") -> None:
    task_service.complete_task(ready_task(ticket, "diagnostico").id,
                               {"diagnosis": "Revisión", "outcome": "solicitar_datos", "question": question},
                               technician(ticket))


def to_confirmation(ticket: Ticket) -> Ticket:
    """From a validated ticket to "Confirmar resolución" (remote fix, tests passed)."""
    tech = technician(ticket)
    task_service.complete_task(ready_task(ticket, "diagnostico").id,
                               {"diagnosis": "Módem desconfigurado", "outcome": "remota"}, tech)
    task_service.complete_task(ready_task(ticket, "intervencion_remota").id,
                               {"actions_remote": "Reconfiguración del módem"}, tech)
    task_service.complete_task(ready_task(ticket, "pruebas_funcionalidad").id,
                               {"tests_passed": True, "test_notes": "Navegación correcta"}, tech)
    return db.session.get(Ticket, ticket.id)
