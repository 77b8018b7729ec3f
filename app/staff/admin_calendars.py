"""Administration of the SLA business calendars (admins only): weekly opening hours and company days off."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.sla import calendar as sla_calendar
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/admin/calendars")
def admin_calendars():
    return render_template("staff/admin_calendars.html", calendars=sla_calendar.list_calendars(staff_user()),
                           weekday_labels=weekday_labels(), format_time=sla_calendar.format_time)


@bp.get("/admin/calendars/<code>")
def admin_calendar(code: str):
    page = sla_calendar.calendar_page(code, staff_user())
    return _render(page, _hours_form(page.hours, page.calendar.official_holidays))


@bp.post("/admin/calendars/<code>")
def admin_save_calendar(code: str):
    hours = {day: request.form.get(f"day{day}", "") for day in sla_calendar.WEEKDAYS}
    closed_on_holidays = "official_holidays" in request.form
    try:
        sla_calendar.set_hours(code, hours, closed_on_holidays, staff_user())
    except ValidationFailed as err:
        return _render(sla_calendar.calendar_page(code, staff_user()), _hours_form(hours, closed_on_holidays),
                       err.errors, err.message), 422
    flash(_("Opening hours saved: deadlines computed from now on use them."), "success")
    return redirect(url_for("staff.admin_calendar", code=code))


@bp.post("/admin/calendars/<code>/days-off")
def admin_add_day_off(code: str):
    form = {"day": request.form.get("day", ""), "reason": request.form.get("reason", "")}
    try:
        sla_calendar.add_day_off(code, form["day"], form["reason"], staff_user())
    except ValidationFailed as err:
        page = sla_calendar.calendar_page(code, staff_user())
        return _render(page, _hours_form(page.hours, page.calendar.official_holidays), day_off_form=form,
                       day_off_errors=err.errors), 422
    flash(_("Day off added."), "success")
    return redirect(url_for("staff.admin_calendar", code=code))


@bp.post("/admin/calendars/<code>/days-off/<int:day_off_id>/remove")
def admin_remove_day_off(code: str, day_off_id: int):
    sla_calendar.remove_day_off(code, day_off_id, staff_user())
    flash(_("Day off removed."), "success")
    return redirect(url_for("staff.admin_calendar", code=code))


def weekday_labels() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def _hours_form(hours: dict[int, str], closed_on_holidays: bool) -> dict:
    return {f"day{day}": text for day, text in hours.items()} | {"official_holidays": closed_on_holidays}


def _render(page, form, errors=None, message=None, day_off_form=None, day_off_errors=None):
    return render_template("staff/admin_calendar.html", page=page, form=form, errors=errors or {}, message=message,
                           day_off_form=day_off_form or {}, day_off_errors=day_off_errors or {},
                           weekday_labels=weekday_labels())
