"""The reminder the customer gets the business day before her visit, sent once by the worker's sweep.

"The business day before" is the last day before the visit on which the team's calendar is open, from its
opening time: a Monday visit is reminded on Saturday morning when the field team works Saturdays, and on
Friday when it does not. A visit booked (or moved) after that instant is not reminded: the booking's own
confirmation just told her. A move sends a reminder for the new date."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app import clock
from app.businesstime import calendar as calendars
from app.extensions import db
from app.i18n import format_date
from app.models import Visit
from app.services.transaction import transaction
from app.services.visits import agendas
from handlers import notifications

LOOK_AHEAD = timedelta(days=10)  # no calendar is closed longer than this before a visit (holiday weeks)


def remind_at(visit: Visit) -> datetime | None:
    """When the reminder of ``visit`` is due: the opening of the team's last open day before the visit."""
    agenda = agendas.for_team(visit.team_code)
    calendar = calendars.load(agenda.calendar if agenda else "horario_comercial")
    day = visit.day
    for _step in range(LOOK_AHEAD.days):
        day -= timedelta(days=1)
        intervals = list(calendar.open_intervals(day))
        if intervals:
            return intervals[0][0]
    return None


def send_due() -> int:
    """Queue the reminder of every visit whose time has come, once each; return how many were queued."""
    now = clock.now()
    sent = 0
    with transaction():
        due = db.session.scalars(select(Visit).where(
            Visit.status == "scheduled", Visit.reminded_at.is_(None), Visit.starts_at > now,
            Visit.starts_at <= now + LOOK_AHEAD).order_by(Visit.starts_at).with_for_update(skip_locked=True))
        for visit in due:
            at = remind_at(visit)
            if at is None or now < at or visit.booked_at >= at:
                continue
            notifications.email_customer(visit.ticket, ["visit_reminder.txt"],
                                         day=format_date(visit.day, "EEEE d 'de' MMMM 'de' y"),
                                         window=visit.window.replace("-", " a "))
            visit.reminded_at = now
            sent += 1
    return sent
