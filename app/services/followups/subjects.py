"""The typified subjects of a follow-up: loaded from ``processes/followups/subjects.json`` at deploy (what
is missing is added; what an admin edited is never overwritten) and edited by an admin in the browser."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import CHANNELS, PRIORITIES, FollowupSubject, LineOfBusiness, Team, User
from app.services.followups import lines
from app.services.transaction import transaction

SUBJECTS_FILE = "followups/subjects.json"
# Channels as a person may come, beyond the system's own: recorded as the subject's substitute.
IN_PERSON = "in_person"


def load(processes_dir: str) -> int:
    """Add the teams and subjects of the data file that are missing; returns how many subjects were added."""
    path = Path(processes_dir) / SUBJECTS_FILE
    if not path.is_file():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    added = 0
    with transaction():
        for team in data.get("teams", []):
            if db.session.scalar(select(Team.id).where(Team.code == team["code"])) is None:
                db.session.add(Team(code=team["code"], name=team["name"]))
        for position, item in enumerate(data["subjects"]):
            if db.session.get(FollowupSubject, item["code"]) is not None:
                continue
            db.session.add(FollowupSubject(
                code=item["code"], label=item["label"], description=item.get("description", ""),
                category=item["category"], team_code=item["team"], initial_status=item.get("status", "open"),
                channels=item["channels"], channel_substitutes=item.get("channel_substitutes", {}),
                priority=item["priority"], document_class=item["document_class"],
                fields=item.get("fields", []),
                serves=item.get("serves"), non_customers=item.get("non_customers", False), position=position))
            added += 1
    return added


def all_subjects(active_only: bool = True) -> list[FollowupSubject]:
    query = select(FollowupSubject).order_by(FollowupSubject.position, FollowupSubject.code)
    if active_only:
        query = query.where(FollowupSubject.active)
    return list(db.session.scalars(query))


def get(code: str) -> FollowupSubject:
    subject = db.session.get(FollowupSubject, code or "")
    if subject is None or not subject.active:
        raise NotFound(_("There is no follow-up subject %(code)s.", code=code))
    return subject


def serving(purpose: str) -> FollowupSubject:
    """The subject a result of the analysis files ("late_response" or "disagreement")."""
    subject = db.session.scalar(select(FollowupSubject).where(FollowupSubject.serves == purpose,
                                                              FollowupSubject.active))
    if subject is None:
        raise NotFound(_("No active follow-up subject serves %(purpose)s: an administrator must set one.",
                         purpose=purpose))
    return subject


def recorded_channel(subject: FollowupSubject, channel: str) -> str:
    """The channel the ticket records: an unauthorized one is replaced as the typification says
    (presencial -> correo electrónico); one neither allowed nor replaced is refused."""
    recorded = subject.channel_substitutes.get(channel, channel)
    if recorded not in subject.channels:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"channel": [_("This subject is not taken through this channel.")]})
    return recorded


@dataclass
class AdminPage:
    subjects: list[FollowupSubject]
    lines: list[LineOfBusiness]
    teams: list[Team]


def admin_page(actor: User) -> AdminPage:
    """What the administrator edits: every subject (also inactive ones), the lines of business, the teams."""
    _require_admin(actor)
    return AdminPage(subjects=all_subjects(active_only=False), lines=lines.all_lines(),
                     teams=list(db.session.scalars(select(Team).order_by(Team.name))))


@dataclass
class SubjectEdit:
    """What an admin may change in the browser (the code never changes: tickets refer to it)."""

    label: str
    description: str
    category: str
    team_code: str
    priority: str
    document_class: str
    channels: list[str]
    in_person_as: str
    non_customers: bool
    active: bool


def update(code: str, edit: SubjectEdit, actor: User) -> FollowupSubject:
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    if not edit.label.strip():
        errors["label"] = [_("This field is required.")]
    if edit.priority not in PRIORITIES:
        errors["priority"] = [_("Value not allowed.")]
    if not edit.channels or any(c not in CHANNELS for c in edit.channels):
        errors["channels"] = [_("Choose at least one channel.")]
    if edit.in_person_as and edit.in_person_as not in edit.channels:
        errors["in_person_as"] = [_("In-person reports must be recorded as one of the allowed channels.")]
    if db.session.scalar(select(Team.id).where(Team.code == edit.team_code)) is None:
        errors["team_code"] = [_("No team has this code.")]
    if not edit.category.strip():
        errors["category"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        subject = db.session.get(FollowupSubject, code)
        if subject is None:
            raise NotFound(_("There is no follow-up subject %(code)s.", code=code))
        subject.label, subject.description = edit.label.strip(), edit.description.strip()
        subject.category, subject.team_code = edit.category.strip(), edit.team_code
        subject.priority, subject.document_class = edit.priority, edit.document_class.strip()
        subject.channels = list(edit.channels)
        subject.channel_substitutes = {IN_PERSON: edit.in_person_as} if edit.in_person_as else {}
        subject.non_customers, subject.active = edit.non_customers, edit.active
    return subject


def _require_admin(actor: User) -> None:
    if not actor.has_role("admin"):
        raise Forbidden(_("Only an administrator edits the follow-up subjects."))
