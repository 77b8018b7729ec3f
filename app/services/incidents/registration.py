"""Registering an incident from any channel, after the duplicate check: the same customer with an open
incident on the same device or service and of the same category is told so before a new number exists.
Staff then add the report to the open incident or confirm that it is new; the portal offers the customer
to add to his open incident."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Customer, Ticket, User
from app.models.incident import open_duplicates
from app.services.cases import attachment_service, ticket_service
from app.services.incidents.device import Device, new_detail, parse_device
from app.services.transaction import transaction
from handlers.timeline import add_event

DEVICE_FIELDS = tuple(Device.__dataclass_fields__)


class DuplicateFound(Conflict):
    """The customer already has this incident open; ``open_incidents`` are their numbers."""

    def __init__(self, open_incidents: list[Ticket]):
        numbers = [t.number for t in open_incidents]
        super().__init__(_("The customer already has an open incident on this device or service: %(numbers)s. "
                           "Add this report to it or confirm that it is a new incident.",
                           numbers=", ".join(numbers)),
                         errors={"duplicate_of": numbers})
        self.open_incidents = open_incidents


@dataclass
class Registration:
    channel: str
    description: str
    device: Device = field(default_factory=Device)
    customer_number: str | None = None
    customer: ticket_service.NewCustomer | None = None
    category: str | None = None
    priority: str | None = None
    details: dict = field(default_factory=dict)  # contact_phone, contact_email, service_address, reported_at
    files: list[tuple[str, bytes]] = field(default_factory=list)
    confirm_new: bool = False  # staff saw the open incidents and say this one is new
    add_to: str | None = None  # staff add this report to that open incident instead


def from_fields(values: dict, files: list[tuple[str, bytes]] | None = None) -> Registration:
    """A registration from flat fields (the API's body, the staff's and the customer's forms)."""
    values = dict(values)
    device = parse_device({name: values.pop(name) for name in DEVICE_FIELDS if name in values})
    values.pop("kind", None)
    own = {name: values.pop(name) for name in ("channel", "description", "customer_number", "customer",
                                               "category", "priority", "confirm_new", "add_to") if name in values}
    return Registration(device=device, details=values, files=files or [], **own)


def register(reg: Registration, actor: User | None) -> tuple[Ticket, bool]:
    """The new incident (True), or the open one the report was added to (False); one commit."""
    with transaction():
        owner = _known_customer(reg.customer_number)
        address = reg.details.get("service_address") or (owner.address if owner else "")
        key = reg.device.key(address)
        if reg.add_to:
            return add_report(owner, reg.add_to, reg.description, reg.files, actor, reg.channel), False
        if owner is not None and key and not reg.confirm_new:
            found = list(db.session.scalars(open_duplicates(owner.id, key, reg.category)))
            if found:
                raise DuplicateFound(found)
        ticket = ticket_service.open_case(
            kind="incident", channel=reg.channel, description=reg.description, actor=actor,
            customer_number=reg.customer_number, customer=reg.customer, priority=reg.priority,
            category=reg.category, equipment_brand=reg.device.equipment_brand,
            equipment_model=reg.device.equipment_model, incident=new_detail(reg.device, address, reg.category),
            **reg.details)
        _store_files(ticket, reg.files, reg.channel, actor)
    return ticket, True


def add_report(owner: Customer | None, number: str, text: str, files: list[tuple[str, bytes]],
               actor: User | None, channel: str) -> Ticket:
    """Inside a transaction: the report becomes a public line (and files) of the customer's open incident."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == (number or "").strip()))
    if ticket is None or owner is None or ticket.customer_id != owner.id or ticket.kind != "incident":
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"add_to": [_("The customer has no open incident with that number.")]})
    if ticket.closed_at is not None:
        raise Conflict(_("Incident %(number)s is already closed.", number=ticket.number))
    add_event(ticket, "customer_report", _("The customer added to the incident: %(text)s", text=text.strip()),
              public=True, actor=actor, data={"channel": channel})
    _store_files(ticket, files, channel, actor)
    return ticket


def _known_customer(number: str | None) -> Customer | None:
    if not number:
        return None
    return db.session.scalar(select(Customer).where(Customer.number == number))


def _store_files(ticket: Ticket, files: list[tuple[str, bytes]], channel: str, actor: User | None) -> None:
    source = "portal" if channel == "portal" else "email" if channel == "email" else "staff"
    for name, data in files:
        try:
            attachment_service.store(ticket, name, data, source=source, actor=actor)
        except attachment_service.Refused as err:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"attachments": [err.message]}) from None
