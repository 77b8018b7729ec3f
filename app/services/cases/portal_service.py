"""What a signed-in customer may read and do in the portal, always scoped to his own customer record:
a ticket, task or attachment of another customer is "not found", asked for by number or by id."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select

from app import clock
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Attachment, Customer, HumanTask, Ticket, TicketEvent
from app.services import sla
from app.services.cases import (
    answers,
    attachment_service,
    categories,
    customer_timeline,
    event_pages,
    kinds,
    message_service,
    ticket_service,
)
from app.services.processes import forms
from app.services.sla.state import SlaState
from app.services.transaction import transaction
from app.services.visits import booking
from app.services.visits import slots as visit_slots
from app.workflow import runtime

CUSTOMER_LANE = "Cliente"
CUSTOMER_SOURCES = ("portal", "email")  # attachments the customer sent; staff files stay internal
CONTACT_CHOICES = ("email", "phone")


@dataclass
class TicketFilter:
    status: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


@dataclass
class PortalTicket:
    ticket: Ticket
    events: list[customer_timeline.CustomerLine]  # one page of the public timeline, oldest first (event_pages)
    tasks: list[HumanTask]
    waiting_reply: bool
    question: TicketEvent | None = None  # the technician's question the answer box answers
    can_write: bool = False  # an open ticket: the customer may write or add files at any time
    older: int | None = None  # ``before`` of the older page ("Show earlier"), None on the first one
    latest: bool = True  # the page ends at the newest public line (the live refresh appends to it)
    attachments: list[Attachment] = field(default_factory=list)
    sla: SlaState | None = None  # fecha máxima de respuesta, estimated resolution, paused while we wait on him
    answer: answers.Answer | None = None  # the responsible area's answer, if any
    visit: booking.BookedVisit | None = None  # the technician's visit, booked or made


def _not_found(ref) -> NotFound:
    return NotFound(_("Ticket %(number)s does not exist.", number=ref))


def own_ticket(customer_id: int, ref: str | int) -> Ticket:
    """The customer's ticket by number (or numeric id); any other ticket is "not found"."""
    text = str(ref or "").strip()
    query = select(Ticket).where(Ticket.customer_id == customer_id)
    # An id is up to 9 ASCII digits (any such number fits the id column); "²" or a 30-digit number is no id.
    is_id = text.isascii() and text.isdigit() and len(text) <= 9
    query = query.where(Ticket.id == int(text)) if is_id else query.where(Ticket.number == text)
    ticket = db.session.scalar(query)
    if ticket is None:
        raise _not_found(text)
    return ticket


def list_tickets(customer_id: int, flt: TicketFilter) -> list[Ticket]:
    query = select(Ticket).where(Ticket.customer_id == customer_id)
    if flt.status:
        query = query.where(Ticket.status == flt.status)
    if flt.kind:
        query = query.where(Ticket.kind == flt.kind)
    if flt.date_from:
        query = query.where(Ticket.reported_at >= _start_of(flt.date_from))
    if flt.date_to:
        query = query.where(Ticket.reported_at < _start_of(flt.date_to + timedelta(days=1)))
    if flt.text.strip():
        like = f"%{flt.text.strip().lower()}%"
        query = query.where(or_(func.lower(Ticket.description).like(like), func.lower(Ticket.number).like(like)))
    return list(db.session.scalars(query.order_by(Ticket.reported_at.desc(), Ticket.id.desc()).limit(200)))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.now().tzinfo)


def ticket_view(customer_id: int, ref: str, before: int | None = None) -> PortalTicket:
    ticket = own_ticket(customer_id, ref)
    page = event_pages.page(ticket, before, public_only=True)
    attachments = _attachments(ticket)
    files: dict[int, list[Attachment]] = {}
    for attachment in attachments:
        files.setdefault(attachment.ticket_event_id, []).append(attachment)
    waiting = message_service.waiting_for_answer(ticket)
    status = ticket.status_info
    return PortalTicket(ticket=ticket, events=customer_timeline.lines(ticket, page.chronological, files),
                        older=page.older, latest=page.latest, tasks=_customer_tasks(ticket), waiting_reply=waiting,
                        question=message_service.pending_question(ticket) if waiting else None,
                        can_write=status is None or not status.terminal, attachments=attachments,
                        sla=sla.state(ticket), answer=answers.answer_of(ticket), visit=booking.of_ticket(ticket))


def live_state(customer_id: int, ref: str) -> tuple[dict, str]:
    """What the ticket page refreshes, and its ETag (changes whenever any of it does)."""
    view = ticket_view(customer_id, ref)
    state = {
        "number": view.ticket.number,
        "status": view.ticket.status,
        "status_label": kinds.customer_status_label(view.ticket),
        "events": [{"id": e.id, "at": e.created_at.isoformat(), "title": e.title, "message": e.text,
                    "mine": e.mine} for e in view.events],
        "tasks": [{"id": t.id, "title": t.title} for t in view.tasks],
        "waiting_reply": view.waiting_reply,
    }
    etag = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]
    for event, row in zip(state["events"], view.events, strict=True):
        event["at_datetime"] = row.created_at  # for the view to show as the page does (not in the ETag)
    return state, etag


def _customer_tasks(ticket: Ticket) -> list[HumanTask]:
    return list(db.session.scalars(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.status == "ready", HumanTask.lane == CUSTOMER_LANE)
        .order_by(HumanTask.created_at)))


def _attachments(ticket: Ticket) -> list[Attachment]:
    """What the customer sent, and the files of public lines (his message taken by phone)."""
    public = set(db.session.scalars(select(TicketEvent.id).where(TicketEvent.ticket_id == ticket.id,
                                                                 TicketEvent.public.is_(True))))
    return [a for a in attachment_service.of_ticket(ticket)
            if a.source in CUSTOMER_SOURCES or a.ticket_event_id in public]


def customer_task(customer_id: int, task_id: str) -> tuple[HumanTask, dict]:
    """A Cliente-lane task of one of the customer's tickets, and its form's schema. A task no longer ready
    (``status``) is shown read-only: what was sent, and when."""
    task = db.session.scalar(select(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id).where(
        HumanTask.id == str(task_id), Ticket.customer_id == customer_id, HumanTask.lane == CUSTOMER_LANE))
    if task is None:
        raise NotFound(_("Task not found."))
    return task, forms.task_schema(task)


def task_slots(ticket: Ticket, schema: dict) -> list[visit_slots.Slot] | None:
    """The free slots the customer may choose on her task's appointment form (``None``: not such a form)."""
    return visit_slots.offer(ticket, schema)


def complete_customer_task(customer_id: int, task_id: str, data) -> HumanTask:
    """Complete the customer's own task as the customer (no staff actor, not "on behalf of")."""
    with transaction():
        task = db.session.scalar(select(HumanTask).where(HumanTask.id == str(task_id)).with_for_update())
        if task is None or task.lane != CUSTOMER_LANE or task.ticket.customer_id != customer_id:
            raise NotFound(_("Task not found."))
        if task.status != "ready":
            raise Conflict(_("This task is no longer pending: someone else completed it or the process moved on."))
        forms.validate_task(task, data, forms.version_of(task))
        runtime.complete_task(task, data, None, None)
    return task


def write_message(customer_id: int, ref: str, text: str, files: list[tuple[str, bytes]]) -> Ticket:
    """The customer writes (or sends files) on his open ticket: the answer to the technician's question
    when the process waits for one, else a message the assignee is told about."""
    with transaction():
        ticket = own_ticket(customer_id, ref)
        message_service.write(ticket, text, files, via="portal")
    return ticket


def open_complaint(customer_id: int, *, service_address: str, category: str, description: str,
                   preferred_contact: str, contact: str, files: list[tuple[str, bytes]]) -> Ticket:
    """A new complaint from the portal, with its attachments, in one transaction: a refused file loses
    nothing else because nothing is kept."""
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if len(description) < 10:
        errors["description"] = [_("Describe the problem in at least 10 characters.")]
    if preferred_contact not in CONTACT_CHOICES:
        errors["preferred_contact"] = [_("Choose an option.")]
    if category not in complaint_categories():
        errors["category"] = [_("Choose an option.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    customer = db.session.get(Customer, customer_id)
    contact = (contact or "").strip()
    details = {"contact_email": contact} if preferred_contact == "email" else {"contact_phone": contact}
    with transaction():
        ticket = ticket_service.open_complaint(
            channel="portal", description=description[:8000], actor=None, customer_number=customer.number,
            service_address=(service_address or "").strip() or customer.address, category=category,
            **{k: v for k, v in details.items() if v})
        for name, data in files:
            try:
                attachment_service.store(ticket, name, data, source="portal")
            except attachment_service.Refused as err:
                raise ValidationFailed(_("Please correct the marked fields."),
                                       errors={"attachments": [err.message]}) from None
    return ticket


def complaint_categories() -> dict[str, str]:
    """The categories a customer may choose for a complaint (the leaves of the taxonomy)."""
    return categories.leaf_choices("complaint")


def attachment_download(customer_id: int, attachment_id: int) -> tuple[Attachment, Path]:
    attachment = db.session.scalar(select(Attachment).join(Ticket, Ticket.id == Attachment.ticket_id).where(
        Attachment.id == attachment_id, Ticket.customer_id == customer_id).outerjoin(
        TicketEvent, TicketEvent.id == Attachment.ticket_event_id).where(
        or_(Attachment.source.in_(CUSTOMER_SOURCES), TicketEvent.public.is_(True))))
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    return attachment_service.open_for_download(attachment.id)
