"""Business calendars as data: loaded from processes/sla/calendars.json at deploy (never overwriting an
admin's edits), and edited by an admin in the browser (opening hours, company days off)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app import clock
from app.businesstime import calendar as calendars
from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import BusinessCalendar, BusinessHours, CalendarDayOff, SlaPauseStatus, User
from app.models.business_calendar import MINUTES_PER_DAY
from app.services.transaction import transaction

SEED_FILE = Path("sla") / "calendars.json"


def load_seed(processes_dir: str | Path) -> None:
    """Add the calendars and pausing statuses of the seed file that are missing (deploy, demo load)."""
    path = Path(processes_dir) / SEED_FILE
    if not path.is_file():
        return
    seed = json.loads(path.read_text(encoding="utf-8"))
    with transaction():
        existing = set(db.session.scalars(select(BusinessCalendar.code)))
        for item in seed.get("calendars", []):
            if item["code"] in existing:
                continue
            row = BusinessCalendar(code=item["code"], name=item["name"],
                                   official_holidays=item.get("official_holidays", True))
            for window in item["hours"]:
                start, end = parse_time(window["start"]), parse_time(window["end"])
                row.hours.extend(BusinessHours(weekday=day, start_minute=start, end_minute=end)
                                 for day in window["weekdays"])
            db.session.add(row)
        pausing = set(db.session.scalars(select(SlaPauseStatus.status_code)))
        db.session.add_all(SlaPauseStatus(status_code=code) for code in seed.get("pause_statuses", [])
                           if code not in pausing)


def parse_time(text: str) -> int:
    """"HH:MM" (00:00 to 24:00) as minutes after midnight; ``ValueError`` otherwise."""
    hours, _sep, minutes = text.strip().partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not (0 <= int(minutes or 0) < 60 and 0 <= value <= MINUTES_PER_DAY):
        raise ValueError(text)
    return value


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


WEEKDAYS = range(7)  # 0 = Monday


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


@dataclass
class CalendarPage:
    calendar: BusinessCalendar
    hours: dict[int, str]  # weekday -> "09:00-14:00, 15:00-18:00" (empty: closed)
    holidays: list[Holiday]  # this year's official holidays, for reference


def list_calendars(actor: User) -> list[BusinessCalendar]:
    _require_admin(actor)
    return list(db.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.code)))


def calendar_page(code: str, actor: User) -> CalendarPage:
    _require_admin(actor)
    row = _get(code)
    hours: dict[int, list[str]] = {day: [] for day in WEEKDAYS}
    for window in row.hours:
        hours[window.weekday].append(f"{format_time(window.start_minute)}-{format_time(window.end_minute)}")
    return CalendarPage(calendar=row, hours={day: ", ".join(w) for day, w in hours.items()},
                        holidays=official_holidays(clock.now().astimezone(clock.OFFICE_TZ).year))


def official_holidays(year: int) -> list[Holiday]:
    """Mexico's official holidays of ``year`` (shown beside the company's days off)."""
    days = calendars.mexican_holidays()
    days.get(date(year, 1, 1))  # fills in the year
    return [Holiday(day, name) for day, name in sorted(days.items()) if day.year == year]


def set_hours(code: str, hours: dict[int, str], closed_on_holidays: bool, actor: User) -> None:
    """Replace the weekly opening hours: ``{weekday: "09:00-14:00, 15:00-18:00"}`` (0 = Monday, "" closed)."""
    _require_admin(actor)
    parsed, errors = [], {}
    for weekday in WEEKDAYS:
        try:
            windows = _parse_windows(hours.get(weekday, ""))
        except ValueError as err:
            errors[f"day{weekday}"] = [str(err)]
            continue
        parsed.extend(BusinessHours(weekday=weekday, start_minute=start, end_minute=end) for start, end in windows)
    if not errors and not parsed:
        errors["day0"] = [_("A calendar needs at least one opening window.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        row = _get(code)
        row.hours.clear()
        db.session.flush()
        row.hours.extend(parsed)
        row.official_holidays = closed_on_holidays


def _parse_windows(text: str) -> list[tuple[int, int]]:
    windows = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        start_text, _sep, end_text = part.partition("-")
        try:
            start, end = parse_time(start_text), parse_time(end_text)
        except ValueError:
            raise ValueError(_("Write each window as 09:00-18:00 (from 00:00 to 24:00), separated by commas.")) \
                from None
        if end <= start:
            raise ValueError(_("The closing time must be after the opening time."))
        windows.append((start, end))
    windows.sort()
    if any(prev[1] > nxt[0] for prev, nxt in zip(windows, windows[1:], strict=False)):
        raise ValueError(_("The windows of a day must not overlap."))
    return windows


def _get(code: str) -> BusinessCalendar:
    row = db.session.scalar(select(BusinessCalendar).where(BusinessCalendar.code == code))
    if row is None:
        raise NotFound(_("No such calendar."))
    return row


def add_day_off(code: str, day: str | date, reason: str, actor: User) -> None:
    """A company day off (``day`` as an ISO date from a form, or a date)."""
    _require_admin(actor)
    if not isinstance(day, date):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"day": [_("Choose a date.")]}) from None
    with transaction():
        row = _get(code)
        if any(existing.day == day for existing in row.days_off):
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"day": [_("That day is already a day off.")]})
        row.days_off.append(CalendarDayOff(day=day, reason=reason.strip()[:120]))


def remove_day_off(code: str, day_off_id: int, actor: User) -> None:
    _require_admin(actor)
    with transaction():
        row = _get(code)
        found = next((d for d in row.days_off if d.id == day_off_id), None)
        if found is None:
            raise NotFound(_("No such day off."))
        row.days_off.remove(found)


def _require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator manages the business calendars."))
