"""Adding and measuring business time on a ``Calendar``. Inputs and outputs are aware datetimes (UTC
stored); the day boundaries and opening windows are those of America/Mexico_City."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from app import clock
from app.businesstime.calendar import Calendar

# A calendar with no opening hour at all would never reach a deadline: stop looking after ten years.
MAX_DAYS = 3660


def add_business_time(start: datetime, hours: float, calendar: Calendar) -> datetime:
    """The instant when ``hours`` of open time of ``calendar`` have passed since ``start`` (UTC)."""
    remaining = timedelta(hours=float(hours))
    if remaining <= timedelta(0):
        return start.astimezone(UTC)
    for opens, closes in _windows_from(start, calendar):
        available = closes - opens
        if remaining <= available:
            return (opens + remaining).astimezone(UTC)
        remaining -= available
    raise ValueError(f"the calendar {calendar.code!r} has no opening hours")


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Open time of ``calendar`` between ``start`` and ``end`` (zero when end <= start)."""
    total = timedelta(0)
    if end <= start:
        return total
    for opens, closes in _windows_from(start, calendar):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def _windows_from(start: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """Opening windows from ``start`` on, the first one clipped to begin at ``start``."""
    if calendar.weekly_minutes == 0:
        raise ValueError(f"the calendar {calendar.code!r} has no opening hours")
    start = start.astimezone(UTC)
    day: date = start.astimezone(clock.OFFICE_TZ).date()
    for _ in range(MAX_DAYS):
        for opens, closes in calendar.open_intervals(day):
            if closes <= start:
                continue
            yield max(opens, start), closes
        day += timedelta(days=1)
