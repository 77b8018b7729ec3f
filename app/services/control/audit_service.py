"""The audit trail: the services that claim, release, reassign, retry, deploy, change users and teams, and
sign staff in call ``record`` inside their own transaction, so the row commits (or rolls back) with the
change it describes. A failed login is recorded on its own (``record_now``). Administrators read it
filtered and paginated, or export it as CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import has_request_context, request
from sqlalchemy import func, select

from app import clock
from app.errors import Forbidden
from app.extensions import db
from app.i18n import _, _l
from app.models import AuditEvent, User
from app.services.control.exports import safe_cell
from app.services.transaction import transaction

# What may be recorded, with its label on the admin page and in the export.
ACTIONS = {
    "login": _l("Sign-in"),
    "login_failed": _l("Failed sign-in"),
    "task_claimed": _l("Task claimed"),
    "task_released": _l("Task released"),
    "task_reassigned": _l("Task reassigned"),
    "workflow_retried": _l("Failed step retried"),
    "process_deployed": _l("Process deployed"),
    "user_created": _l("User created"),
    "user_changed": _l("User changed"),
    "password_reset": _l("Password reset"),
    "team_created": _l("Team created"),
    "team_renamed": _l("Team renamed"),
    "team_member_added": _l("Team member added"),
    "team_member_removed": _l("Team member removed"),
    "inbound_mail_reprocessed": _l("Inbound mail processed again"),
    "process_migrated": _l("Ticket moved to another process version"),
    "review_run": _l("Periodic review run"),
    "review_decided": _l("Recurring problem decided"),
    "notice_saved": _l("Notice template saved"),
    "webhook_saved": _l("Webhook endpoint saved"),
    "cost_rates_changed": _l("Cost rates changed"),
}
PAGE_SIZE = 50
MAX_PAGE = 100_000


def record(action: str, actor: User | None, target: str = "", changes: dict | None = None, *,
           actor_name: str | None = None) -> AuditEvent:
    """Add an audit row to the caller's transaction. ``changes``: {field: [before, after]} or details."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(action=action, actor_id=actor.id if actor else None,
                       actor_name=(actor.username if actor else actor_name or None),
                       target=(target or "")[:200], changes=changes or None,
                       remote_addr=request.remote_addr if has_request_context() else None)
    db.session.add(event)
    return event


def record_now(action: str, actor: User | None, target: str = "", changes: dict | None = None, *,
               actor_name: str | None = None) -> None:
    """Record and commit at once: for what is refused (a failed login), whose own transaction never commits."""
    with transaction():
        record(action, actor, target, changes, actor_name=(actor_name or "")[:80])


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


@dataclass
class AuditQuery:
    action: str = ""
    actor: str = ""  # username (exact)
    target: str = ""  # contained in the target
    date_from: date | None = None  # office time zone, inclusive
    date_to: date | None = None
    page: int = 1


@dataclass
class AuditPage:
    items: list[AuditEvent]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def search(query: AuditQuery, actor: User) -> AuditPage:
    """One page of the trail, newest first (administrators)."""
    _require_admin(actor)
    page = min(max(query.page, 1), MAX_PAGE)
    filtered = _filtered(query)
    total = db.session.scalar(select(func.count()).select_from(filtered.subquery()))
    items = list(db.session.scalars(filtered.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                    .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return AuditPage(items=items, total=total or 0, page=page)


def export_csv(query: AuditQuery, actor: User) -> Iterator[str]:
    """The whole filtered trail as CSV lines, oldest first (administrators); read in batches."""
    _require_admin(actor)
    statement = _filtered(query).order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=500)
    rows = db.session.scalars(statement)
    return _csv_lines(rows)


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def _csv_lines(rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("When (UTC)"), _("Who"), _("Action"), _("On"), _("Changes"), _("From address")])
    for event in rows:
        writer.writerow([safe_cell(v) for v in (event.at.isoformat(), event.actor_name or "",
                                                action_label(event.action), event.target,
                                                changes_text(event.changes), event.remote_addr or "")])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def changes_text(changes: dict | None) -> str:
    """One line: "field: before → after; detail: value"."""
    if not changes:
        return ""
    parts = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{key}: {value[0]} → {value[1]}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _filtered(query: AuditQuery):
    statement = select(AuditEvent)
    if query.action in ACTIONS:
        statement = statement.where(AuditEvent.action == query.action)
    if query.actor.strip():
        statement = statement.where(AuditEvent.actor_name == query.actor.strip())
    if query.target.strip():
        statement = statement.where(AuditEvent.target.contains(query.target.strip(), autoescape=True))
    zone = clock.OFFICE_TZ
    if query.date_from and query.date_from > date.min:
        statement = statement.where(AuditEvent.at >= datetime.combine(query.date_from, time(), zone))
    if query.date_to and query.date_to < date.max - timedelta(days=1):
        statement = statement.where(AuditEvent.at < datetime.combine(query.date_to, time(), zone) + timedelta(days=1))
    return statement


def _require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator reads the audit trail."))
