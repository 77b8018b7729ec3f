"""The conversation with the customer: what he writes (with files) on an open ticket, at any time.

He writes himself (portal, e-mail: the caller found the ticket by its customer) or staff who may see the
ticket record what he said by phone: then the timeline records who posted it, on the customer's behalf.
When the ticket's process waits for his answer (``respuesta_cliente``, after a technician's question), the
message is that answer and the process goes on; otherwise it is added to the ticket and the assignee is
told. Nobody names the author in free text."""
from __future__ import annotations

from sqlalchemy import select

from app import signals
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import CaseStatus, Ticket, TicketEvent, User, WorkflowInstance
from app.services.cases import attachment_service
from app.services.cases.ticket_service import visible_ticket
from app.services.sla import pauses
from app.services.transaction import transaction
from app.workflow import runtime
from handlers import timeline

CUSTOMER_REPLY = "respuesta_cliente"
MAX_LENGTH = 4000
MAX_FILES = 5


def post_on_behalf(number: str, text: str, actor: User, files: list[tuple[str, bytes]] = ()) -> Ticket:
    """Staff who may see ticket ``number`` record what its customer said by phone (and files he sent)."""
    with transaction():
        ticket = visible_ticket(number, actor)
        write(ticket, text, files, actor=actor, via="phone")
    return ticket


def write(ticket: Ticket, text: str, files: list[tuple[str, bytes]] = (), *, actor: User | None = None,
          via: str) -> TicketEvent:
    """The customer's message on ``ticket`` (``actor``: the staff member who typed it for him, None when he
    wrote it himself; ``via``: portal, phone), in the caller's transaction: a refused file keeps nothing."""
    text = (text or "").strip()
    _check(ticket, text, files)
    waiting = waiting_for_answer(ticket)
    question = pending_question(ticket) if waiting else None
    data = {"via": via, "answers": question.id if question else None}
    event = timeline.new_event(ticket, "customer_message", text or _("(Files only.)"), public=True, actor=actor,
                               on_behalf_of=ticket.customer.name if actor else None, data=data)
    db.session.flush()
    for name, content in files:
        try:
            # Files of a public line are the customer's to see, whoever uploaded them.
            attachment_service.store(ticket, name, content, source="staff" if actor else "portal", actor=actor,
                                     event=event)
        except attachment_service.Refused as err:
            raise ValidationFailed(_("Please correct the marked fields."), errors={"attachments": [err.message]}) \
                from None
    if waiting:
        deliver_customer_message(ticket, event.message, actor=actor)
    signals.customer_wrote.send(ticket, event=event, answered=waiting)
    return event


def _check(ticket: Ticket, text: str, files) -> None:
    errors = {}
    if not text and not files:
        errors["text"] = [_("Write a message or attach a file.")]
    elif len(text) > MAX_LENGTH:
        errors["text"] = [_("At most %(n)s characters.", n=MAX_LENGTH)]
    if len(files) > MAX_FILES:
        errors["attachments"] = [_("At most %(n)s files at a time.", n=MAX_FILES)]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    row = CaseStatus.info(ticket.kind, ticket.status)
    if row is not None and row.terminal:
        raise Conflict(_("Ticket %(number)s is closed: open a new report.", number=ticket.number))


def pending_question(ticket: Ticket) -> TicketEvent | None:
    """The technician's question the process waits an answer to, None when it waits for none."""
    if not waiting_for_answer(ticket):
        return None
    return db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "question")
                             .order_by(TicketEvent.id.desc()).limit(1))


def waiting_for_answer(ticket: Ticket) -> bool:
    """The ticket's process waits for the customer's answer (``respuesta_cliente``)."""
    return _waiting_instance(ticket) is not None


def _waiting_instance(ticket: Ticket) -> int | None:
    return db.session.scalar(select(WorkflowInstance.id).where(
        WorkflowInstance.ticket_id == ticket.id, WorkflowInstance.status == "running",
        WorkflowInstance.waiting_message == CUSTOMER_REPLY))


def deliver_customer_message(ticket: Ticket, text: str, actor: User | None = None) -> Ticket:
    """Hand the customer's answer to the ticket's workflow, which must be waiting for it. ``actor``: the
    staff member who posted it for the customer, None when the customer sent it himself."""
    with transaction():
        instance_id = _waiting_instance(ticket)
        if instance_id is None:
            raise Conflict(_("Ticket %(number)s is not waiting for an answer from the customer.",
                             number=ticket.number))
        pauses.resume(ticket)  # before the next round starts, so its timers read the pushed due dates
        payload = {"text": text[:MAX_LENGTH], "author": ticket.customer.name,
                   "posted_by": actor.username if actor else None}
        runtime.deliver_message(instance_id, CUSTOMER_REPLY, payload, actor)
    return ticket
