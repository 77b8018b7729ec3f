"""Business-time arithmetic on the seeded calendars: weekends, Mexican holidays, company days off, 24x7."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app import clock
from app.businesstime import calendar as calendars
from app.businesstime.arithmetic import add_business_time, business_time_between
from app.businesstime.calendar import Calendar
from app.extensions import db
from app.models import BusinessCalendar
from app.services.sla import calendar as sla_calendar
from app.services.sla import deadlines
from tests.conftest import user


def local(*args) -> datetime:
    return datetime(*args, tzinfo=clock.OFFICE_TZ)


def add(start: datetime, hours: float, code: str = "horario_comercial") -> datetime:
    return add_business_time(start, hours, calendars.load(code)).astimezone(clock.OFFICE_TZ)


def test_friday_evening_runs_over_saturday_morning_and_skips_sunday():
    assert add(local(2026, 12, 4, 17), 2) == local(2026, 12, 5, 10)  # Fri 17-18, Sat 9-10
    assert add(local(2026, 12, 5, 13), 2) == local(2026, 12, 7, 10)  # Sat 13-14, (Sun), Mon 9-10
    assert add(local(2026, 12, 6, 12), 1) == local(2026, 12, 7, 10)  # asked on a Sunday
    assert add(local(2026, 12, 7, 20), 1) == local(2026, 12, 8, 10)  # asked after closing time


def test_independence_day_is_not_a_working_day():
    # 16 September 2026 is a Wednesday.
    assert add(local(2026, 9, 15, 17), 2) == local(2026, 9, 17, 10)


def test_the_third_monday_of_november_is_a_holiday_every_year():
    assert add(local(2026, 11, 14, 13), 2) == local(2026, 11, 17, 10)  # Mon 16 Nov 2026
    assert add(local(2027, 11, 13, 13), 2) == local(2027, 11, 16, 10)  # Mon 15 Nov 2027


def test_christmas_counts_for_the_24x7_calendar_but_not_for_business_hours():
    assert add(local(2026, 12, 24, 22), 8, "24x7") == local(2026, 12, 25, 6)
    assert add(local(2026, 12, 24, 17), 2) == local(2026, 12, 26, 10)  # Fri 25 Dec closed


def test_a_company_day_off_entered_by_an_admin_closes_the_calendar():
    sla_calendar.add_day_off("horario_comercial", date(2026, 12, 24), "Cierre de fin de año", user("admin"))
    assert add(local(2026, 12, 23, 17), 2) == local(2026, 12, 26, 10)
    assert add(local(2026, 12, 23, 17), 2, "24x7") == local(2026, 12, 23, 19)


def test_business_time_between_counts_only_open_hours():
    calendar = calendars.load("horario_comercial")
    friday, monday = local(2026, 12, 4, 17), local(2026, 12, 7, 10)
    assert business_time_between(friday, monday, calendar) == timedelta(hours=7)  # 1 + 5 + 1
    assert business_time_between(monday, friday, calendar) == timedelta(0)


def test_the_service_adds_hours_on_a_calendar_named_by_its_code():
    assert deadlines.add_business_time(local(2026, 9, 15, 17), 2, "horario_comercial") == \
        local(2026, 9, 17, 10)
    with pytest.raises(LookupError):
        deadlines.add_business_time(local(2026, 9, 15, 17), 2, "no_existe")


def test_a_calendar_without_opening_hours_is_refused():
    with pytest.raises(ValueError):
        add_business_time(local(2026, 1, 5, 9), 1, Calendar(code="cerrado", windows={}))


def test_seed_is_loaded_once_and_never_overwrites_an_admins_edit(app):
    row = db.session.query(BusinessCalendar).filter_by(code="horario_comercial").one()
    assert [(h.weekday, h.start_minute, h.end_minute) for h in row.hours][-1] == (5, 540, 840)
    assert not db.session.query(BusinessCalendar).filter_by(code="24x7").one().official_holidays
    sla_calendar.set_hours("horario_comercial", {0: "10:00-18:00"}, True, user("admin"))
    try:
        sla_calendar.load_seed(app.config["PROCESSES_DIR"])
        db.session.expire_all()
        assert [(h.weekday, h.start_minute) for h in calendars_rows("horario_comercial")] == [(0, 600)]
    finally:
        sla_calendar.set_hours("horario_comercial", {d: "09:00-18:00" for d in range(5)} | {5: "09:00-14:00"},
                               True, user("admin"))


def calendars_rows(code: str):
    return db.session.query(BusinessCalendar).filter_by(code=code).one().hours
