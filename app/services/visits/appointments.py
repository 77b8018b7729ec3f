"""Whether an appointment (a day and a time window) is one the field team can keep.

A task form names its appointment fields and the business calendar they follow with a top-level
``"x-appointment": {"date": "visit_date", "window": "visit_window", "calendar": "cuadrilla_campo"}``; the
form validation (``app.services.processes.forms.validate``) asks this module, so staff pages, the customer
area and the API refuse the same dates: a window already begun, a day the calendar is closed (official
holiday or company day off) and a window outside the calendar's opening hours.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app import clock
from app.businesstime import calendar as calendars
from app.i18n import _
from app.services.sla.calendar import parse_time


def problems(data: dict, spec: dict) -> dict[str, list[str]]:
    """Per-field Spanish messages for the appointment in ``data`` (empty when the field team can keep it)."""
    date_field, window_field = spec["date"], spec["window"]
    try:
        day = date.fromisoformat(str(data.get(date_field, "")))
        start, end = (parse_time(part) for part in str(data.get(window_field, "")).split("-"))
    except ValueError:
        return {}  # the schema reports a missing or malformed value
    calendar = calendars.load(spec["calendar"])
    midnight = datetime.combine(day, time(), tzinfo=calendars.LOCAL_TZ)
    begins, ends = midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)
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
                                 "time or date.", date=shown, window=data[window_field].replace("-", " a "))]}
    return {}

