"""Messages from outside (a customer's answer) delivered to the instance that waits for them."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.i18n import _
from app.models import User, WorkflowInstance
from app.services.cases.ticket_service import get_ticket
from app.services.sla import pauses
from app.services.transaction import transaction
from app.workflow import runtime

CUSTOMER_REPLY = "respuesta_cliente"


def deliver_customer_message(number: str, text: str, actor: User | None, author: str | None = None):
    """Hand the customer's answer to the ticket's workflow, which must be waiting for it."""
    with transaction():
        ticket = get_ticket(number)
        instance_id = db.session.scalar(
            select(WorkflowInstance.id).where(WorkflowInstance.ticket_id == ticket.id,
                                              WorkflowInstance.status == "running",
                                              WorkflowInstance.waiting_message == CUSTOMER_REPLY))
        if instance_id is None:
            raise Conflict(_("Ticket %(number)s is not waiting for an answer from the customer.", number=number))
        pauses.resume(ticket)  # before the next round starts, so its timers read the pushed due dates
        payload = {"text": text, "author": author or ticket.customer.name}
        runtime.deliver_message(instance_id, CUSTOMER_REPLY, payload, actor)
    return ticket
