"""Phone and social-media intake: find the caller, or register him, and take the complaint."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import PRIORITIES, Customer, Ticket, User
from app.services.accounts.permissions import may_take_calls
from app.services.cases import ticket_search, ticket_service

INTAKE_CHANNELS = ("phone", "social")
MAX_NAME_WORDS = 5  # words of a caller's name looked for (each must appear)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Intake:
    """What the agent types while on the call. ``customer_number`` picks a known customer; otherwise
    ``name`` (and the rest) register a new one."""

    channel: str = "phone"
    description: str = ""
    priority: str = ""
    customer_number: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    equipment_brand: str = ""
    equipment_model: str = ""


@dataclass
class IntakeContext:
    found: list[Customer]  # callers matching what the agent typed
    picked: Customer | None  # the caller chosen (by number)
    tickets: list[ticket_search.Row]  # his open tickets first, then the most recent ("¿cómo va mi reporte?")


def intake_context(text: str, customer_number: str, actor: User) -> IntakeContext:
    """The intake page: callers found for ``text``, the customer already picked (by number) and his tickets."""
    picked = customer_number and db.session.scalar(select(Customer).where(Customer.number == customer_number))
    tickets = ticket_search.customer_tickets(actor, picked.number) if picked else []
    return IntakeContext(found=find_callers(text, actor), picked=picked or None, tickets=tickets)


def find_callers(text: str, actor: User, limit: int = 20) -> list[Customer]:
    """Customers whose number is ``text``, whose phone contains its digits, or whose name holds every word typed,
    accents and case aside ("lopez" and "Lopez Maria" find "María López"), compared by the database (its
    ``unaccent``: PostgreSQL's extension, a function registered on SQLite's connections)."""
    _require_agent(actor)
    text = (text or "").strip()
    if not text:
        return []
    digits = re.sub(r"\D", "", text)
    words = re.findall(r"\w+", text)[:MAX_NAME_WORDS]
    name = func.lower(func.unaccent(Customer.name))
    clauses = [func.lower(Customer.number) == text.lower()]
    if words:
        clauses.append(and_(*(name.like(func.lower(func.unaccent(f"%{_like_escaped(w)}%")), escape="\\")
                              for w in words)))
    if len(digits) >= 4:
        clauses.append(Customer.phone.like(f"%{digits}%"))
    return list(db.session.scalars(select(Customer).where(or_(*clauses)).order_by(Customer.name).limit(limit)))


def _like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def take_complaint(intake: Intake, actor: User) -> Ticket:
    """Validate what was typed (each message next to its field) and open the complaint."""
    _require_agent(actor)
    errors = _errors(intake)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    new = None if intake.customer_number else ticket_service.NewCustomer(
        name=intake.name.strip(), address=intake.address.strip(), phone=_digits(intake.phone),
        email=intake.email.strip())
    return ticket_service.open_complaint(
        channel=intake.channel, description=intake.description.strip(), actor=actor,
        customer_number=intake.customer_number or None, customer=new, priority=intake.priority or None,
        equipment_brand=intake.equipment_brand.strip()[:80], equipment_model=intake.equipment_model.strip()[:80],
        contact_phone=_digits(intake.phone) or None, contact_email=intake.email.strip() or None)


def _errors(intake: Intake) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if intake.channel not in INTAKE_CHANNELS:
        add("channel", _("Value not allowed."))
    if not intake.description.strip():
        add("description", _("This field is required."))
    elif len(intake.description) > 4000:
        add("description", _("At most %(n)s characters.", n=4000))
    if intake.priority and intake.priority not in PRIORITIES:
        add("priority", _("Value not allowed."))
    if intake.customer_number:
        if db.session.scalar(select(Customer.id).where(Customer.number == intake.customer_number)) is None:
            add("customer_number", _("No customer has this number."))
    elif not intake.name.strip():
        add("name", _("Give the caller's name, or pick a customer found above."))
    if intake.email.strip() and not _EMAIL.match(intake.email.strip()):
        add("email", _("Invalid e-mail address."))
    if intake.phone and not 7 <= len(_digits(intake.phone)) <= 15:
        add("phone", _("A phone number has 7 to 15 digits."))
    return errors


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def _require_agent(actor: User) -> None:
    if not may_take_calls(actor):
        raise Forbidden(_("Only the contact center takes calls."))
