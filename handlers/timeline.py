"""The ticket timeline: every state change, task, notification and failure, with who and when."""
from __future__ import annotations

from app import signals
from app.extensions import db
from app.i18n import _
from app.models import CHANNEL_LABELS, CaseKind, CaseStatus, HumanTask, Team, Ticket, TicketEvent, User, appended
from handlers.rows import related


def connect() -> None:
    signals.ticket_opened.connect(on_opened)
    signals.ticket_status_changed.connect(on_status_changed)
    signals.ticket_assigned.connect(on_assigned)
    signals.ticket_escalated.connect(on_escalated)
    signals.sla_warning.connect(on_sla_warning)
    signals.task_completed.connect(on_task_completed)
    signals.workflow_failed.connect(on_workflow_failed)
    signals.workflow_migrated.connect(on_workflow_migrated)


def add_event(ticket: Ticket, kind: str, message: str, *, public: bool = False, actor: User | None = None,
              on_behalf_of: str | None = None, data: dict | None = None) -> None:
    """Append a line to the timeline (written with the others of the step: app/models/appended.py)."""
    if ticket.id is None:  # a ticket opened in this transaction and not written yet: its line needs its id
        db.session.flush()
    appended.append(TicketEvent, ticket_id=ticket.id, **_values(kind, message, public, actor, on_behalf_of, data))


def new_event(ticket: Ticket, kind: str, message: str, *, public: bool = False, actor: User | None = None,
              on_behalf_of: str | None = None, data: dict | None = None) -> TicketEvent:
    """A timeline line as an object, for a caller that refers to it (files attached to it, its id shown)."""
    event = TicketEvent(ticket=ticket, **_values(kind, message, public, actor, on_behalf_of, data))
    db.session.add(event)
    return event


def _values(kind, message, public, actor, on_behalf_of, data) -> dict:
    return {"kind": kind, "message": message, "public": public,
            "actor_id": actor.id if actor else None, "on_behalf_of": on_behalf_of, "data": data}


def on_opened(ticket: Ticket, *, actor: User | None = None, **_kw) -> None:
    kind = CaseKind.info(ticket.kind)
    add_event(ticket, "opened", _("%(kind)s received by %(channel)s.", kind=kind.label if kind else ticket.kind,
                                  channel=CHANNEL_LABELS.get(ticket.channel, ticket.channel)),
              public=True, actor=actor)


def on_status_changed(ticket: Ticket, *, old: str, new: str, note: str, public: bool,
                      note_on_timeline: bool = True, **_kw) -> None:
    """Staff read the change in their wording; the customer reads the status's customer wording and the
    note, drawn from ``data`` (``app.services.cases.customer_timeline``)."""
    note = note if note_on_timeline else ""
    message = _("Status: %(old)s → %(new)s.", old=_label(ticket, old), new=_label(ticket, new))
    add_event(ticket, "status_changed", message + (f" {note}" if note else ""), public=public,
              data={"old": old, "new": new, "note": note})


def _label(ticket: Ticket, code: str) -> str:
    row = CaseStatus.info(ticket.kind, code)
    return row.label if row else code


def on_assigned(ticket: Ticket, *, team: Team, assignee: User | None, **_kw) -> None:
    who = assignee.full_name if assignee else _("nobody (no technician available)")
    add_event(ticket, "assigned", _("Assigned to team %(team)s, technician %(who)s.", team=team.name, who=who),
              data={"team": team.code, "assignee": assignee.username if assignee else None})


def on_escalated(ticket: Ticket, *, reason: str, **_kw) -> None:
    add_event(ticket, "escalated", _("Escalated to the supervisor: %(reason)s", reason=reason or "-"))


def on_sla_warning(ticket: Ticket, **_kw) -> None:
    add_event(ticket, "sla_warning", _("Most of the resolution time has passed: the SLA is about to expire."))


def on_task_completed(ticket: Ticket, *, task: HumanTask, actor: User | None, on_behalf_of: str | None,
                      **_kw) -> None:
    if on_behalf_of and actor:
        message = _("%(task)s completed by %(actor)s on behalf of %(customer)s.", task=task.title,
                    actor=actor.full_name, customer=on_behalf_of)
    else:
        message = _("%(task)s completed by %(actor)s.", task=task.title,
                    actor=actor.full_name if actor else related(ticket, "customer").name)
    add_event(ticket, "task_completed", message, actor=actor, on_behalf_of=on_behalf_of,
              data={"task": task.task_name, "task_id": task.id})


def on_workflow_failed(ticket: Ticket, *, instance, error: str, **_kw) -> None:
    add_event(ticket, "workflow_failed", _("The process stopped with an error: %(error)s", error=error),
              data={"instance": instance.id, "task": instance.error_task})


def on_workflow_migrated(ticket: Ticket, *, instance, source, target, actor: User | None, **_kw) -> None:
    add_event(ticket, "process_migrated",
              _("Process %(process)s moved from version %(source)s to version %(target)s by %(actor)s.",
                process=target.process_id, source=source.version, target=target.version,
                actor=actor.full_name if actor else _("the system")),
              actor=actor, data={"instance": instance.id, "from": source.id, "to": target.id})

