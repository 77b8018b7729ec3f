"""A business calendar as a value: weekly opening windows, closed days (official Mexican holidays from the
``holidays`` package plus the company's days off), all in the office's time zone (``clock.OFFICE_TZ``)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import BusinessCalendar, BusinessHours, CalendarDayOff, reference


@lru_cache(maxsize=1)
def mexican_holidays() -> holidays.HolidayBase:
    """Official holidays of Mexico (years are filled in as they are asked for)."""
    return holidays.country_holidays("MX", language="es")


@dataclass(frozen=True)
class Calendar:
    code: str
    # weekday (0 = Monday) -> sorted (start_minute, end_minute) windows, local time
    windows: dict[int, tuple[tuple[int, int], ...]]
    official_holidays: bool = True
    days_off: frozenset[date] = field(default_factory=frozenset)

    def is_closed(self, day: date) -> bool:
        return day in self.days_off or (self.official_holidays and day in mexican_holidays())

    def open_intervals(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The day's opening windows (local wall-clock hours) as UTC datetimes, in order; none when closed."""
        if self.is_closed(day):
            return
        midnight = datetime.combine(day, time(), tzinfo=clock.OFFICE_TZ)
        for start, end in self.windows.get(day.weekday(), ()):
            yield ((midnight + timedelta(minutes=start)).astimezone(UTC),
                   (midnight + timedelta(minutes=end)).astimezone(UTC))

    @property
    def weekly_minutes(self) -> int:
        return sum(end - start for windows in self.windows.values() for start, end in windows)


def window_bounds(day: date, window: str) -> tuple[datetime, datetime]:
    """A time window ``"HH:MM-HH:MM"`` (local wall-clock time) on ``day`` as aware datetimes; ``ValueError`` if
    it is malformed or ends before it starts (a visit's appointment)."""
    start, end = (_minutes(part) for part in window.split("-"))
    if end <= start:
        raise ValueError(window)
    midnight = datetime.combine(day, time(), tzinfo=clock.OFFICE_TZ)
    return midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60 and 0 <= value <= 24 * 60):
        raise ValueError(text)
    return value


def holiday_name(day: date) -> str | None:
    return mexican_holidays().get(day)


def load(code: str) -> Calendar:
    """The calendar named ``code`` as stored, kept across transactions until an admin edits a calendar
    (app/models/reference.py)."""
    calendar = reference.cached(("business_calendar", code), lambda: _read(code))
    if calendar is None:
        raise LookupError(f"the business calendar {code!r} named by the SLA targets does not exist")
    return calendar


def _read(code: str) -> Calendar | None:
    row = db.session.execute(select(BusinessCalendar.id, BusinessCalendar.official_holidays)
                             .where(BusinessCalendar.code == code)).first()
    if row is None:
        return None
    windows: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in db.session.execute(
            select(BusinessHours.weekday, BusinessHours.start_minute, BusinessHours.end_minute)
            .where(BusinessHours.calendar_id == row.id)):
        windows.setdefault(weekday, []).append((start, end))
    days_off = db.session.scalars(select(CalendarDayOff.day).where(CalendarDayOff.calendar_id == row.id))
    return Calendar(code=code, windows={day: tuple(sorted(w)) for day, w in windows.items()},
                    official_holidays=row.official_holidays, days_off=frozenset(days_off))
