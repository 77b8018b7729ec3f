"""Earlier tickets put in each state of seed 003 through the real services and diagrams, with a clock the
test controls (``app.clock``): nothing here sets a column by hand."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import HumanTask, Ticket, TicketEvent
from app.services.cases import answers, task_service, ticket_service
from app.services.followups import filing
from app.services.mail import mail_reply_service
from tests.conftest import user

# A Tuesday morning, office hours, no holiday near.
START = datetime(2026, 3, 3, 10, 0, tzinfo=clock.OFFICE_TZ)
HOGAR, NEGOCIO = "C-1001", "C-1002"  # self-service line / line where the agent files


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def ready(ticket: Ticket, name: str) -> HumanTask | None:
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def classified_complaint(customer_number: str) -> Ticket:
    """A complaint validated by the agent: it has its maximum response date and no answer."""
    ticket = ticket_service.open_complaint(channel="phone", description="El internet está lento por las noches.",
                                           actor=user("agente"), customer_number=customer_number)
    task_service.complete_task(ready(ticket, "validar_reporte").id,
                               {"valid": True, "category": "lentitud", "priority_override": "sin_cambio"},
                               user("agente"))
    ticket = fresh(ticket)
    assert ticket.response_due_at is not None and answers.answer_of(ticket) is None
    return ticket


def overdue_complaint(customer_number: str) -> Ticket:
    ticket = classified_complaint(customer_number)
    clock.freeze(ticket.response_due_at + timedelta(hours=1))
    return ticket


def answered_complaint(customer_number: str) -> Ticket:
    """A complaint the area answered: a staff reply marked as the answer on the ticket page."""
    ticket = classified_complaint(customer_number)
    clock.advance(timedelta(minutes=30))
    mail_reply_service.reply_to_customer(ticket.number, "Cambiamos su perfil de velocidad; ya navega a 100 Mb.",
                                         user("tecnico1"))
    reply = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.kind == "staff_reply"))
    answers.mark_reply_as_answer(ticket.number, reply.id, user("tecnico1"))
    return fresh(ticket)


def rejected_complaint(customer_number: str) -> Ticket:
    """A complaint rejected at validation: the rejection and its reason are its answer."""
    ticket = ticket_service.open_complaint(channel="phone", description="Quiero cambiar de plan.",
                                           actor=user("agente"), customer_number=customer_number)
    task_service.complete_task(ready(ticket, "validar_reporte").id,
                               {"valid": False, "rejection_reason": "Un cambio de plan no es una falla: lo atiende "
                                                                    "Ventas en el 800 123 4567."}, user("agente"))
    return fresh(ticket)


def with_followup(earlier: Ticket, *, disagrees: bool) -> Ticket:
    """The agent acts on a call about ``earlier`` (a line where the agent files): returns the follow-up."""
    result = filing.act(earlier.number, disagrees, user("agente"))
    assert result.followup is not None, result.action
    return fresh(result.followup)


def answer_followup(followup: Ticket, text: str = "Revisamos su caso: el ajuste quedó aplicado.") -> Ticket:
    """The responsible area answers the follow-up in its task."""
    task = ready(followup, "responder_insistencia")
    task_service.complete_task(task.id, {"answer": text}, user("clientes1"))
    return fresh(followup)
