"""Administration of the business calendars: opening hours and company days off, in Spanish; admins only.
What an admin enters changes the next deadline computed."""
from datetime import datetime

import pytest

from app import clock
from app.services.sla import calendar as sla_calendar
from app.services.sla import deadlines
from tests.conftest import user

STANDARD = {d: "09:00-18:00" for d in range(5)} | {5: "09:00-14:00"}

OFFICE = clock.OFFICE_TZ


@pytest.fixture(autouse=True)
def _standard_hours_after():
    yield
    sla_calendar.set_hours("horario_comercial", STANDARD, True, user("admin"))


def hours_form(**days) -> dict:
    form = {f"day{d}": text for d, text in STANDARD.items()} | {"day6": "", "official_holidays": "on"}
    return form | days


def test_the_admin_sees_calendars_hours_and_this_years_holidays(staff):
    admin = staff("admin")
    listing = admin.get("/staff/admin/calendars").get_data(True)
    for text in ("Calendarios laborales", "Horario comercial", "24 horas, todos los días", "Sáb 09:00–14:00"):
        assert text in listing, text
    page = admin.get("/staff/admin/calendars/horario_comercial").get_data(True)
    for text in ("Horario de atención", 'value="09:00-18:00"', "Días inhábiles de la empresa",
                 "Día de la Independencia", "Cerrado en los días feriados oficiales de México"):
        assert text in page, text


def test_changed_hours_move_the_next_deadline(staff):
    admin = staff("admin")
    friday = datetime(2026, 12, 4, 17, tzinfo=OFFICE)
    assert deadlines.add_business_time(friday, 2, "horario_comercial") == datetime(2026, 12, 5, 10, tzinfo=OFFICE)
    admin.post("/staff/admin/calendars/horario_comercial", hours_form(day4="09:00-14:00, 15:00-20:00", day5=""))
    # Friday 17-20 now counts, and Saturday is closed.
    assert deadlines.add_business_time(friday, 2, "horario_comercial") == datetime(2026, 12, 4, 19, tzinfo=OFFICE)
    assert 'value="09:00-14:00, 15:00-20:00"' in admin.get("/staff/admin/calendars/horario_comercial").get_data(True)


def test_bad_hours_are_refused_with_the_input_kept(staff):
    admin = staff("admin")
    response = admin.post("/staff/admin/calendars/horario_comercial",
                          hours_form(day0="9 a 6", day1="18:00-09:00", day2="09:00-14:00, 13:00-18:00"), expect=422)
    page = response.get_data(True)
    for text in ("Escriba cada horario como 09:00-18:00", "La hora de cierre debe ser posterior a la de apertura.",
                 "Los horarios de un mismo día no deben traslaparse.", 'value="9 a 6"'):
        assert text in page, text
    empty = admin.post("/staff/admin/calendars/horario_comercial",
                       {f"day{d}": "" for d in range(7)}, expect=422).get_data(True)
    assert "Un calendario necesita al menos un horario de atención." in empty
    assert sla_calendar.calendar_page("horario_comercial", user("admin")).hours == STANDARD | {6: ""}


def test_a_company_day_off_is_added_and_removed(staff):
    admin = staff("admin")
    before = datetime(2026, 12, 23, 17, tzinfo=OFFICE)
    admin.post("/staff/admin/calendars/horario_comercial/days-off", {"day": "2026-12-24", "reason": "Posada"})
    assert deadlines.add_business_time(before, 2, "horario_comercial") == datetime(2026, 12, 26, 10, tzinfo=OFFICE)
    page = admin.get("/staff/admin/calendars/horario_comercial").get_data(True)
    assert "Posada" in page
    again = admin.post("/staff/admin/calendars/horario_comercial/days-off", {"day": "2026-12-24"}, expect=422)
    assert "Ese día ya es inhábil." in again.get_data(True)
    assert "Elija una fecha." in admin.post("/staff/admin/calendars/horario_comercial/days-off", {"day": "mañana"},
                                             expect=422).get_data(True)
    day_off = sla_calendar.calendar_page("horario_comercial", user("admin")).calendar.days_off[0]
    admin.post(f"/staff/admin/calendars/horario_comercial/days-off/{day_off.id}/remove")
    assert deadlines.add_business_time(before, 2, "horario_comercial") == datetime(2026, 12, 24, 10, tzinfo=OFFICE)


def test_only_an_admin_manages_calendars(staff):
    supervisor = staff("supervisor")
    page = supervisor.get("/staff/admin/calendars", expect=403).get_data(True)
    assert "Solo un administrador gestiona los calendarios laborales." in page
    supervisor.post("/staff/admin/calendars/horario_comercial/days-off", {"day": "2026-12-24"})  # refused
    assert sla_calendar.calendar_page("horario_comercial", user("admin")).calendar.days_off == []
    staff("admin").get("/staff/admin/calendars/no_existe", expect=404)
