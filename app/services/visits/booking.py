"""A ticket's booked visit as the customer and staff read it, and the customer's own change of date.

The customer may move her appointment herself as many times as the team's agenda allows
(``reschedules_allowed``, once today), until the visit begins; after that the portal tells her to call. A
move is checked like the first booking (past, holiday, closed hours, a seat left) and frees the old seat,
which is the same row changing slot."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import clock
from app.businesstime import calendar as calendars
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _, format_date
from app.models import Ticket, Visit
from app.services.transaction import transaction
from app.services.visits import agendas, appointments, slots
from handlers import notifications, timeline

SHOWN = ("scheduled", "done")


@dataclass(frozen=True)
class BookedVisit:
    visit: Visit
    when: str  # "lunes 14 de diciembre de 2026, de 09:00 a 13:00"
    may_reschedule: bool
    refusal: str | None  # why she may not move it herself (already moved), for the page


def describe(visit: Visit) -> str:
    return _("%(day)s, from %(window)s", day=format_date(visit.day, "EEEE d 'de' MMMM 'de' y"),
             window=visit.window.replace("-", " a "))


def of_ticket(ticket: Ticket) -> BookedVisit | None:
    """The ticket's latest booked visit (to come or made), with what the customer may do about it."""
    visit = db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id, Visit.status.in_(SHOWN))
                              .order_by(Visit.id.desc()).limit(1))
    if visit is None:
        return None
    upcoming = visit.status == "scheduled" and visit.starts_at > clock.now()
    agenda = agendas.for_team(visit.team_code)
    allowed = agenda.reschedules_allowed if agenda else 0
    used_up = upcoming and visit.reschedule_count >= allowed
    refusal = _("You already changed the date of this visit. To change it again, please call us at "
                "449 142 0327.") if used_up else None
    return BookedVisit(visit=visit, when=describe(visit), may_reschedule=upcoming and not used_up, refusal=refusal)


def reschedule_slots(customer_id: int, ref: str) -> tuple[Ticket, BookedVisit, list[slots.Slot]]:
    """The customer's visit she may still move, and the free slots she may move it to."""
    ticket = _own_ticket(customer_id, ref)
    booked = _movable(ticket)
    visit = booked.visit
    others = [slot for slot in slots.free_slots(visit.team_code, moving=visit)
              if (slot.day, slot.window) != (visit.day, visit.window)]
    return ticket, booked, others


def reschedule(customer_id: int, ref: str, day: str, window: str) -> Visit:
    """Move the customer's visit to another free slot (her own choice from the portal)."""
    with transaction():
        ticket = _own_ticket(customer_id, ref)
        visit = slots.open_visit(ticket, lock=True)
        booked = _movable(ticket)
        errors = _slot_errors(ticket, visit, day, window)
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
        before = booked.when
        visit.day = date.fromisoformat(day)
        visit.window = window
        visit.starts_at, visit.ends_at = calendars.window_bounds(visit.day, window)
        visit.booked_at, visit.booked_by, visit.reminded_at = clock.now(), "cliente", None
        visit.reschedule_count += 1
        after = describe(visit)
        timeline.add_event(ticket, "visit_rescheduled", _("You changed the date of the visit from %(before)s to "
                                                          "%(after)s.", before=before, after=after), public=True,
                           data={"before": before, "after": after})
        notifications.email_customer(ticket, ["visit_rescheduled.txt"], when=after, before=before)
    return visit


def _slot_errors(ticket: Ticket, visit: Visit, day: str, window: str) -> dict[str, list[str]]:
    agenda = agendas.for_team(visit.team_code)
    data = {"visit_date": day, "visit_window": window}
    try:
        calendars.window_bounds(date.fromisoformat(day), window)
    except ValueError:
        return {"visit_slot": [_("Choose one of the free times.")]}
    if (visit.day.isoformat(), visit.window) == (day, window):
        return {"visit_slot": [_("That is the date you already have: choose another one.")]}
    spec = {"date": "visit_date", "window": "visit_window", "calendar": agenda.calendar}
    return appointments.problems(data, spec, ticket)


def _movable(ticket: Ticket) -> BookedVisit:
    booked = of_ticket(ticket)
    if booked is None or booked.visit.status != "scheduled" or booked.visit.starts_at <= clock.now():
        raise Conflict(_("This ticket has no upcoming visit to change."))
    if not booked.may_reschedule:
        raise Conflict(booked.refusal)
    return booked


def _own_ticket(customer_id: int, ref: str) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.customer_id == customer_id, Ticket.number == ref))
    if ticket is None:
        raise NotFound(_("Ticket %(number)s does not exist.", number=ref))
    return ticket
