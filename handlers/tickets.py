"""Service tasks that change a ticket: status, classification, assignment, escalation, close."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, inspect, select

from app import clock, signals
from app.businesstime import ticket_clock
from app.extensions import db
from app.i18n import _l
from app.models import CaseStatus, Category, Team, Ticket, User
from handlers import timeline
from handlers.registry import HandlerContext, service_task
from handlers.rows import reading, related


def change_status(ticket: Ticket, status: str, note: str = "", *, note_on_timeline: bool = True) -> None:
    """Move ``ticket`` to ``status``, one of its kind's statuses; the customer is told if it is public.
    ``note_on_timeline`` False: the note has its own timeline line (a question to the customer)."""
    row = CaseStatus.info(ticket.kind, status)
    if row is None:
        raise ValueError(f"the kind {ticket.kind!r} has no status {status!r}")
    old, now = ticket.status, clock.now()
    ticket.status = status
    if status == "resolved":
        ticket_clock.record_resolution(ticket, now)
    elif status == "reopened":
        ticket.reopen_count = (ticket.reopen_count or 0) + 1
    ticket_clock.on_status_change(ticket, old, status, now)
    if note and row.public:
        ticket_clock.record_response(ticket, now)  # a message written to the customer answers him
    signals.ticket_status_changed.send(ticket, old=old, new=status, note=note or "",
                                       public=row.public, note_on_timeline=note_on_timeline)


@service_task("ticket.set_status", params={
    "status": _l("Status code of the kind of case."),
    "note": _l("Message to the customer (optional)."),
}, results=("status",))
def set_status(ctx: HandlerContext, status: str, note: str = "") -> dict:
    change_status(ctx.ticket, status, note)
    return {"status": status}


@service_task("ticket.ask_customer", params={"question": _l("The question the customer is asked.")},
              results=("status",))
def ask_customer(ctx: HandlerContext, question: str) -> dict:
    """The technician's question opens a conversation with the customer: a public line of the timeline
    signed by whoever asked, then "waiting for the customer" (its mail carries the question)."""
    timeline.add_event(ctx.ticket, "question", question, public=True, actor=ctx.actor)
    change_status(ctx.ticket, "waiting_customer", question, note_on_timeline=False)
    return {"status": "waiting_customer"}


@service_task("ticket.find_duplicates", results=("open_tickets",))
def find_duplicates(ctx: HandlerContext) -> dict:
    """Open tickets of the same customer, for the agent who validates the report."""
    ticket = ctx.ticket
    with reading(Ticket, CaseStatus, besides=[ticket]):  # the ticket itself is left out: its changes need no flush
        others = db.session.scalars(
            select(Ticket).where(Ticket.customer_id == ticket.customer_id, Ticket.id != ticket.id,
                                 CaseStatus.is_open(Ticket.kind, Ticket.status)).order_by(Ticket.id.desc()).limit(10))
        return {"open_tickets": [
            {"number": t.number, "status": t.status, "category": t.category, "description": t.description[:200]}
            for t in others]}


@service_task("ticket.category_defaults", params={
    "category": _l("Code of a category leaf."),
}, results=("priority", "team"))
def category_defaults(ctx: HandlerContext, category: str) -> dict:
    """What the taxonomy says about the chosen leaf (its priority floor and default team), for the DMN."""
    leaf = Category.leaf(category)
    if leaf is None:
        raise LookupError(f"the category {category!r} is not a leaf of the taxonomy")
    team = related(leaf, "default_team")
    return {"priority": leaf.default_priority, "team": team.code if team else None}


@service_task("ticket.classify", params={
    "category": _l("Code of a category leaf."),
    "priority": _l("Priority: alta, media or baja."),
    "response_hours": _l("Business hours to the first response."),
    "resolution_hours": _l("Business hours to the resolution."),
    "sla_calendar": _l("Code of the business calendar."),
    "warning_share": _l("Share of the time after which to warn (0 to 1)."),
}, results=("priority", "response_due_at", "sla_due_at", "sla_warning_at",
                                         "estimated_resolution_at"))
def classify(ctx: HandlerContext, category: str, priority: str, response_hours: float, resolution_hours: float,
             sla_calendar: str, warning_share: float) -> dict:
    """Record category and priority; the SLA targets (objetivos_sla.dmn) become business-time deadlines."""
    ticket = ctx.ticket
    ticket.category, ticket.priority = category, priority
    ticket_clock.apply_targets(ticket, ticket_clock.Targets(
        response_hours=response_hours, resolution_hours=resolution_hours, calendar=sla_calendar,
        warning_share=warning_share))
    return {"priority": priority, "response_due_at": ticket.response_due_at.isoformat(),
            "sla_due_at": ticket.sla_due_at.isoformat(), "sla_warning_at": ticket.sla_warning_at.isoformat(),
            "estimated_resolution_at": ticket.estimated_resolution_at.isoformat()}


@service_task("ticket.assign", params={
    "team": _l("Team code."),
}, results=("team", "assignee"))
def assign(ctx: HandlerContext, team: str) -> dict:
    """Give the ticket to ``team`` and to its least-loaded active technician (fewest open tickets)."""
    ticket = ctx.ticket
    with reading(Team):
        found = db.session.scalar(select(Team).where(Team.code == team))
    if found is None:
        raise LookupError(f"the team {team!r} chosen by the assignment table does not exist")
    technician = least_loaded_technician(found, assigning=ticket)
    ticket.team, ticket.assignee = found, technician
    change_status(ticket, "assigned")
    signals.ticket_assigned.send(ticket, team=found, assignee=technician)
    return {"team": found.code, "assignee": technician.username if technician else None}


def least_loaded_technician(team: Team, assigning: Ticket | None = None) -> User | None:
    """``assigning``: the ticket being assigned. The count need not flush its pending changes when they cannot
    change what the count reads of it (a step's classification and status are then written with the step's
    other changes, in one UPDATE)."""
    load = (select(func.count(Ticket.id)).where(Ticket.assignee_id == User.id,
                                                CaseStatus.is_open(Ticket.kind, Ticket.status))
            .correlate(User).scalar_subquery())
    unseen = [assigning] if assigning is not None and _counts_as_stored(assigning) else []
    with reading(Ticket, User, Team, CaseStatus, besides=unseen):
        candidates = [(user, count) for user, count in db.session.execute(
            select(User, load).where(User.id.in_([m.id for m in team.members]), User.active).order_by(User.id))
            if "technician" in user.roles]
    return min(candidates, key=lambda pair: pair[1])[0] if candidates else None


def _counts_as_stored(ticket: Ticket) -> bool:
    """Whether the load count reads the same of ``ticket`` before its pending changes are flushed as after: its
    assignee is not being changed, and either it has none (it counts for nobody) or its kind and status are not
    being changed either."""
    state = inspect(ticket)
    changed = {key for key in ("id", "assignee", "assignee_id", "kind", "status")
               if state.attrs[key].history.has_changes()}
    return state.persistent and not {"id", "assignee", "assignee_id"} & changed and (
        ticket.assignee_id is None or not {"kind", "status"} & changed)


@service_task("ticket.escalate", params={
    "reason": _l("Why it is escalated."),
}, results=("already_escalated",))
def escalate(ctx: HandlerContext, reason: str = "") -> dict:
    ticket = ctx.ticket
    if ticket.escalated_at is not None:
        return {"already_escalated": True}
    ticket.escalated_at = clock.now()
    signals.ticket_escalated.send(ticket, reason=reason)
    return {"already_escalated": False}


@service_task("sla.warn", results=("already_warned",))
def warn(ctx: HandlerContext) -> dict:
    """The warning share of the resolution time has passed: tell the people once per ticket."""
    ticket = ctx.ticket
    if ticket.sla_warned_at is not None or ticket.resolved_at is not None:
        return {"already_warned": True}
    ticket.sla_warned_at = clock.now()
    signals.sla_warning.send(ticket, due_at=ticket.sla_due_at)
    return {"already_warned": False}


@service_task("ticket.close", params={
    "nature": _l("Nature of the problem."),
    "actions": _l("Actions taken."),
    "solution": _l("The solution."),
    "survey_score": _l("Survey score (optional)."),
    "survey_comment": _l("Survey comment (optional)."),
}, results=("report",))
def close(ctx: HandlerContext, nature: str = "", actions=None, solution: str = "",
          survey_score: int | None = None, survey_comment: str | None = None) -> dict:
    """Formal close: the internal report (nature, actions, resolution time) is stored on the ticket."""
    ticket = ctx.ticket
    now = clock.now()
    ticket.survey_score, ticket.survey_comment = survey_score, survey_comment
    ticket.closed_at = now
    team, assignee = related(ticket, "team"), related(ticket, "assignee")
    ticket.report = {
        "nature": nature or ticket.category,
        "actions": [a for a in (actions if isinstance(actions, list) else [actions]) if a],
        "solution": solution,
        "priority": ticket.priority,
        "team": team.code if team else None,
        "technician": assignee.username if assignee else None,
        "rounds": ticket.round,
        "escalated": ticket.escalated_at is not None,
        "resolution_hours": _hours(ticket.reported_at, ticket.resolved_at or now),
        "within_sla": ticket.sla_due_at is None or (ticket.resolved_at or now) <= ticket.sla_due_at,
        "response_within_sla": ticket.response_due_at is None or (
            ticket.first_responded_at is not None and ticket.first_responded_at <= ticket.response_due_at),
        "paused_hours": round((ticket.sla_paused_seconds or 0) / 3600, 2),
        "survey_score": survey_score,
    }
    change_status(ticket, "closed")
    signals.ticket_closed.send(ticket)
    return {"report": ticket.report}


def _hours(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)
