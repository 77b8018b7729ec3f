"""Opening cases of any kind (their number prefix and diagram come from the kind's row) and reading them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock, signals
from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import CaseKind, Customer, HumanTask, ProcessVersion, Ticket, User
from app.services.accounts.permissions import may_see_ticket, may_take_calls, visible_filter
from app.services.cases import categories, kinds
from app.services.sla import deadlines
from app.services.transaction import transaction
from app.workflow import runtime


@dataclass
class NewCustomer:
    name: str
    number: str | None = None
    address: str = ""
    phone: str = ""
    email: str = ""


def open_case(*, kind: str, channel: str, description: str, actor: User | None, customer_number: str | None = None,
              customer: NewCustomer | None = None, priority: str | None = None, category: str | None = None,
              **details) -> Ticket:
    """Create a case of ``kind``, start the kind's process and return it (committed). ``actor`` is the staff
    member who takes it (the intake page, the API: the contact center's rule), None for the customer's
    own channels (portal, e-mail)."""
    if actor is not None and not may_take_calls(actor):
        raise Forbidden(_("Only the contact center opens tickets."))
    return _open(kind=kind, channel=channel, description=description, actor=actor, customer_number=customer_number,
                 customer=customer, priority=priority, category=category, **details)


def open_test_case(*, kind: str, version: ProcessVersion, customer_number: str, actor: User) -> Ticket:
    """A process analyst's test ticket (``is_test``): started on ``version`` of the kind's process, which need
    not be the latest (the caller checks that ``actor`` is an analyst)."""
    return _open(kind=kind, channel="phone", actor=actor, customer_number=customer_number, version=version,
                 description=str(_("Test ticket of %(process)s version %(n)s.", process=version.name,
                                   n=version.version)),
                 is_test=True)


def _open(*, kind: str, channel: str, description: str, actor: User | None, customer_number: str | None = None,
          customer: NewCustomer | None = None, priority: str | None = None, category: str | None = None,
          version: ProcessVersion | None = None, **details) -> Ticket:
    with transaction():
        case_kind = _active_kind(kind)
        _check_category(case_kind, category)
        owner = _resolve_customer(customer_number, customer)
        ticket = Ticket(
            kind=case_kind.code, customer=owner, channel=channel, description=description,
            reported_priority=priority, category=category or None,
            reported_at=details.pop("reported_at", None) or clock.now(),
            contact_phone=details.pop("contact_phone", None) or owner.phone,
            contact_email=details.pop("contact_email", None) or owner.email,
            service_address=details.pop("service_address", None) or owner.address,
            created_by_id=actor.id if actor else None, **details)
        db.session.add(ticket)
        db.session.flush()
        ticket.number = ticket_number(ticket, case_kind)
        ticket.estimated_resolution_at = deadlines.estimate_resolution(ticket)  # the confirmation gives it
        signals.ticket_opened.send(ticket, actor=actor)
        runtime.start(ticket, case_kind.process_id, actor, version=version)
    return ticket


def open_complaint(**arguments) -> Ticket:
    """A complaint (queja): ``open_case`` with its kind."""
    return open_case(kind="complaint", **arguments)


def ticket_number(ticket: Ticket, kind: CaseKind) -> str:
    """Human-friendly and unique (the id), never enough on its own to see a ticket."""
    return f"{kind.prefix}-{ticket.reported_at:%Y}-{ticket.id:06d}"


def _active_kind(code: str) -> CaseKind:
    try:
        return kinds.get_kind(code, active_only=True)
    except NotFound as err:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"kind": [err.message]}) from None


def _check_category(kind: CaseKind, code: str | None) -> None:
    if code and code not in categories.leaf_choices(kind.code):
        raise ValidationFailed(_("Please correct the marked fields."), errors={
            "category": [_("The category %(category)s does not exist for this kind of case.", category=code)]})


def _resolve_customer(number: str | None, new: NewCustomer | None) -> Customer:
    if number:
        found = db.session.scalar(select(Customer).where(Customer.number == number))
        if found is None and new is None:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"customer_number": [_("No customer has this number.")]})
        if found is not None:
            return found
    if new is None:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"customer": [_("Give a customer number or the customer's data.")]})
    if new.number and db.session.scalar(select(Customer.id).where(Customer.number == new.number)) is not None:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"customer.number": [
            _("A customer already has this number: give it as customer_number instead.")]})
    customer = Customer(name=new.name, number=new.number or number or "", address=new.address,
                        phone=new.phone, email=new.email)
    db.session.add(customer)
    db.session.flush()
    if not customer.number:
        customer.number = f"C-{customer.id:07d}"
    return customer


# What the API's ticket answer reads besides the ticket's columns, in the ticket's own statement instead of a
# lazy load each (app/services/cases/ticket_read.py adds its open tasks).
ANSWERED_WITH = (joinedload(Ticket.customer), joinedload(Ticket.team), joinedload(Ticket.assignee),
                 joinedload(Ticket.incident))


def visible_ticket(number: str, actor: User) -> Ticket:
    """The ticket, if ``actor`` may see it; otherwise "not found", so a number reveals nothing (the API's answer
    reads it with what it dumps: ``ticket_read.visible``, the same rule).

    The only way a person's request (staff page, API, e-mail reply) reaches a ticket by its number: there is
    no unchecked getter. The customer's own channels find tickets by their customer (``portal_service``)."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is not None and may_see_ticket(actor, ticket, lambda: has_visible_task(ticket, actor)):
        return ticket
    raise NotFound(_("Ticket %(number)s does not exist.", number=number))


def has_visible_task(ticket: Ticket, actor: User) -> bool:
    return db.session.scalar(select(HumanTask.id).where(HumanTask.ticket_id == ticket.id, visible_filter(actor))
                             .limit(1)) is not None


def open_tasks(ticket: Ticket) -> list[HumanTask]:
    return list(db.session.scalars(
        select(HumanTask).where(HumanTask.ticket_id == ticket.id, HumanTask.status == "ready")
        .order_by(HumanTask.created_at)))
