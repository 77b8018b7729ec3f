"""Visit dates the field team's calendar accepts, relative to the real clock the tests run on."""
from datetime import date, timedelta

from app import clock
from app.businesstime import calendar as calendars


def working_day(after_days: int = 7) -> str:
    """An ISO date at least ``after_days`` ahead, Monday to Friday and no official holiday."""
    day = clock.office_today() + timedelta(days=after_days)
    while day.weekday() > 4 or day in calendars.mexican_holidays():
        day += timedelta(days=1)
    return day.isoformat()


def next_holiday_on_a_weekday(after: date) -> date:
    """The first official holiday after ``after`` that falls Monday to Friday."""
    day = after + timedelta(days=1)
    while not (day.weekday() <= 4 and day in calendars.mexican_holidays()):
        day += timedelta(days=1)
    return day
