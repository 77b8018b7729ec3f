"""Business calendars as data: loaded from processes/sla/calendars.json at deploy (never overwriting an
admin's edits), and edited by an admin in the browser (opening hours, company days off)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

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


def list_calendars() -> list[BusinessCalendar]:
    return list(db.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.code)))


def get_calendar(code: str) -> BusinessCalendar:
    row = db.session.scalar(select(BusinessCalendar).where(BusinessCalendar.code == code))
    if row is None:
        raise NotFound(_("No such calendar."))
    return row


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


def official_holidays(year: int) -> list[Holiday]:
    """Mexico's official holidays of ``year`` (shown beside the company's days off)."""
    days = calendars.mexican_holidays()
    days.get(date(year, 1, 1))  # fills in the year
    return [Holiday(day, name) for day, name in sorted(days.items()) if day.year == year]


def set_hours(code: str, windows: dict[int, list[tuple[str, str]]], official_holidays: bool, actor: User) -> None:
    """Replace the weekly opening hours: ``{weekday: [("09:00", "18:00"), ...]}`` (0 = Monday)."""
    _require_admin(actor)
    parsed, errors = [], {}
    for weekday, pairs in windows.items():
        for start_text, end_text in pairs:
            try:
                start, end = parse_time(start_text), parse_time(end_text)
            except ValueError:
                errors[f"day{weekday}"] = [_("Write the hours as HH:MM, from 00:00 to 24:00.")]
                continue
            if end <= start:
                errors[f"day{weekday}"] = [_("The closing time must be after the opening time.")]
                continue
            parsed.append(BusinessHours(weekday=weekday, start_minute=start, end_minute=end))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    if not parsed:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"day0": [_("A calendar needs at least one opening window.")]})
    with transaction():
        row = get_calendar(code)
        row.hours.clear()
        db.session.flush()
        row.hours.extend(parsed)
        row.official_holidays = official_holidays


def add_day_off(code: str, day: date, reason: str, actor: User) -> None:
    _require_admin(actor)
    with transaction():
        row = get_calendar(code)
        if any(existing.day == day for existing in row.days_off):
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"day": [_("That day is already a day off.")]})
        row.days_off.append(CalendarDayOff(day=day, reason=reason.strip()[:120]))


def remove_day_off(code: str, day_off_id: int, actor: User) -> None:
    _require_admin(actor)
    with transaction():
        row = get_calendar(code)
        found = next((d for d in row.days_off if d.id == day_off_id), None)
        if found is None:
            raise NotFound(_("No such day off."))
        row.days_off.remove(found)


def _require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator manages the business calendars."))
