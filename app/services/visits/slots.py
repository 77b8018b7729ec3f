"""A field team's free slots: the windows of its agenda on the days its calendar is open, minus the visits
booked on them. The customer (área de cliente), the agent (staff task) and the API read the same list, and
a booking is checked against it again in the transaction that keeps it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app import clock
from app.businesstime import calendar as calendars
from app.extensions import db
from app.i18n import _
from app.models import Team, Ticket, Visit
from app.services.visits import agendas

OPEN_VISIT = ("unscheduled", "scheduled")
TAKES_A_SEAT = "scheduled"


@dataclass(frozen=True)
class Slot:
    day: date
    window: str
    free: int  # seats left

    @property
    def value(self) -> str:
        """What a form sends for this slot: ``"YYYY-MM-DD HH:MM-HH:MM"``."""
        return f"{self.day.isoformat()} {self.window}"


def open_visit(ticket: Ticket, *, lock: bool = False) -> Visit | None:
    """The ticket's visit still to be made (to book, or booked), if any."""
    query = select(Visit).where(Visit.ticket_id == ticket.id, Visit.status.in_(OPEN_VISIT)).order_by(Visit.id.desc())
    return db.session.scalar(query.limit(1).with_for_update() if lock else query.limit(1))


def free_slots(team: str, *, moving: Visit | None = None) -> list[Slot]:
    """The slots of ``team`` with a seat left, soonest first (``moving``'s own seat counts as free)."""
    agenda = agendas.for_team(team)
    if agenda is None:
        return []
    calendar = calendars.load(agenda.calendar)
    now = clock.now()
    today = now.astimezone(clock.OFFICE_TZ).date()
    last = today + timedelta(days=agenda.days_ahead)
    earliest = now + timedelta(hours=agenda.notice_hours)
    taken = _taken(team, today, last, moving)
    result = []
    for offset in range(agenda.days_ahead + 1):
        day = today + timedelta(days=offset)
        intervals = list(calendar.open_intervals(day))
        for window, capacity in agenda.capacity.items():
            begins, ends = calendars.window_bounds(day, window)
            inside = any(opens <= begins and ends <= closes for opens, closes in intervals)
            free = capacity - taken.get((day, window), 0)
            if inside and begins > earliest and free > 0:
                result.append(Slot(day=day, window=window, free=free))
    return result


def _taken(team: str, first: date, last: date, moving: Visit | None) -> dict[tuple[date, str], int]:
    query = (select(Visit.day, Visit.window, func.count(Visit.id))
             .where(Visit.team_code == team, Visit.status == TAKES_A_SEAT, Visit.day >= first, Visit.day <= last)
             .group_by(Visit.day, Visit.window))
    if moving is not None:
        query = query.where(Visit.id != moving.id)
    return {(day, window): count for day, window, count in db.session.execute(query)}


def seat_problems(visit: Visit, day: date, window: str) -> dict[str, list[str]]:
    """Spanish messages, under ``"date"`` or ``"window"``, when ``visit`` cannot take the slot (the calendar
    check comes first: ``appointments.problems``). Locks the team's row so two bookings of its last seat run
    one after the other (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    db.session.scalar(select(Team.id).where(Team.code == visit.team_code).with_for_update())
    agenda = agendas.for_team(visit.team_code)
    if agenda is None:
        return {}
    shown = day.strftime("%d/%m/%Y")
    if window not in agenda.capacity:
        return {"window": [_("The field team does not offer that time window: choose one of the list.")]}
    now = clock.now()
    today = now.astimezone(clock.OFFICE_TZ).date()
    if calendars.window_bounds(day, window)[0] <= now + timedelta(hours=agenda.notice_hours):
        return {"date": [_("The field team needs %(hours)s hours' notice: choose a later time.",
                           hours=agenda.notice_hours)]}
    if day > today + timedelta(days=agenda.days_ahead):
        return {"date": [_("Visits are booked up to %(days)s days ahead: choose an earlier date.",
                           days=agenda.days_ahead)]}
    taken = _taken(visit.team_code, day, day, visit).get((day, window), 0)
    if taken >= agenda.capacity[window]:
        return {"window": [_("The slot of %(date)s from %(window)s is already full: choose another one.",
                             date=shown, window=window.replace("-", " a "))]}
    return {}


def offer(ticket: Ticket, schema: dict) -> list[Slot] | None:
    """The slots a task's form offers: the free slots of the ticket's visit team when the form books an
    appointment (``x-appointment``) and the visit is open; ``None`` for any other form."""
    if "x-appointment" not in schema:
        return None
    visit = open_visit(ticket)
    return free_slots(visit.team_code, moving=visit) if visit is not None else None
