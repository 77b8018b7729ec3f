"""Messages from outside (a customer's answer) delivered to the instance that waits for them.

The answer comes from the customer himself (portal, e-mail: the caller found the ticket by its customer)
or from staff who may see the ticket and type what the customer said (a call): then the timeline records
who posted it, on the customer's behalf. Nobody names the author in free text."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.i18n import _
from app.models import Ticket, User, WorkflowInstance
from app.services.cases.ticket_service import visible_ticket
from app.services.sla import pauses
from app.services.transaction import transaction
from app.workflow import runtime
from handlers import timeline

CUSTOMER_REPLY = "respuesta_cliente"


def post_on_behalf(number: str, text: str, actor: User) -> Ticket:
    """Staff who may see ticket ``number`` hand over its customer's answer (given by phone, say)."""
    with transaction():
        ticket = visible_ticket(number, actor)
        timeline.add_event(ticket, "customer_message", text, public=True, actor=actor,
                           on_behalf_of=ticket.customer.name)
        deliver_customer_message(ticket, text, actor=actor)
    return ticket


def deliver_customer_message(ticket: Ticket, text: str, actor: User | None = None) -> Ticket:
    """Hand the customer's answer to the ticket's workflow, which must be waiting for it. ``actor``: the
    staff member who posted it for the customer, None when the customer sent it himself."""
    with transaction():
        instance_id = db.session.scalar(
            select(WorkflowInstance.id).where(WorkflowInstance.ticket_id == ticket.id,
                                              WorkflowInstance.status == "running",
                                              WorkflowInstance.waiting_message == CUSTOMER_REPLY))
        if instance_id is None:
            raise Conflict(_("Ticket %(number)s is not waiting for an answer from the customer.",
                             number=ticket.number))
        pauses.resume(ticket)  # before the next round starts, so its timers read the pushed due dates
        payload = {"text": text, "author": ticket.customer.name, "posted_by": actor.username if actor else None}
        runtime.deliver_message(instance_id, CUSTOMER_REPLY, payload, actor)
    return ticket
