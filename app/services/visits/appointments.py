"""Whether an appointment (a day and a time window) is one the field team can keep.

A task form names its appointment fields and the business calendar they follow with a top-level
``"x-appointment": {"date": "visit_date", "window": "visit_window", "calendar": "cuadrilla_campo"}``; the
form validation (``app.services.processes.forms.validate``) asks this module, so staff pages, the customer
area and the API refuse the same dates: a window already begun, a day the calendar is closed (official
holiday or company day off) and a window outside the calendar's opening hours. Given the ticket, the slot
must also have a seat left on the agenda of the team that makes its visit (``slots.seat_problems``).
"""
from __future__ import annotations

from datetime import date

from app import clock
from app.businesstime import calendar as calendars
from app.i18n import _
from app.models import Ticket
from app.services.visits import slots


def problems(data: dict, spec: dict, ticket: Ticket | None = None) -> dict[str, list[str]]:
    """Per-field Spanish messages for the appointment in ``data`` (empty when the field team can keep it)."""
    date_field, window_field = spec["date"], spec["window"]
    try:
        day = date.fromisoformat(str(data.get(date_field, "")))
        begins, ends = calendars.window_bounds(day, str(data.get(window_field, "")))
    except ValueError:
        return {}  # the schema reports a missing or malformed value
    found = _calendar_problems(day, begins, ends, data[window_field], spec)
    visit = slots.open_visit(ticket) if ticket is not None and not found else None
    if visit is None:
        return found
    return {spec[part]: messages for part, messages in slots.seat_problems(visit, day, data[window_field]).items()}


def _calendar_problems(day, begins, ends, window: str, spec: dict) -> dict[str, list[str]]:
    date_field, window_field = spec["date"], spec["window"]
    calendar = calendars.load(spec["calendar"])
    shown = day.strftime("%d/%m/%Y")
    if begins <= clock.now():
        return {date_field: [_("The visit date %(date)s has already passed: choose a later date.", date=shown)]}
    if calendar.is_closed(day):
        holiday = calendars.holiday_name(day) if calendar.official_holidays else None
        message = (_("%(date)s is a holiday (%(holiday)s): the field team does not visit that day.",
                     date=shown, holiday=holiday) if holiday
                   else _("%(date)s is a day off for the field team: choose another date.", date=shown))
        return {date_field: [message]}
    if not any(opens <= begins and ends <= closes for opens, closes in calendar.open_intervals(day)):
        return {window_field: [_("The field team does not work on %(date)s from %(window)s: choose another "
                                 "time or date.", date=shown, window=window.replace("-", " a "))]}
    return {}

