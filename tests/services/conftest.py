"""Fixtures for the service tests: a real SMTP server and complaints taken through their first steps."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import task_service, ticket_service
from tests.conftest import user
from tests.handlers.conftest import crm  # noqa: F401 - fixture

DESCRIPTION = "Sin servicio de internet desde ayer en la tarde; el módem parpadea en rojo."


def open_complaint(description: str = DESCRIPTION) -> Ticket:
    return ticket_service.open_complaint(channel="portal", description=description, actor=None,
                                         customer_number="C-1001")


def validate(ticket: Ticket, category: str = "sin_servicio") -> Ticket:
    """Complete "Validar reporte" as the agent: the complaint is classified, registered and assigned."""
    task = db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == "validar_reporte", HumanTask.status == "ready"))
    task_service.complete_task(task.id, {"valid": True, "category": category, "priority_override": "sin_cambio"},
                               user("agente"))
    return db.session.get(Ticket, ticket.id)
