"""The internal report of a closed ticket (seeds 000 and 002): the nature of the problem, the actions
taken, the time it took, what it cost, the survey. Stored at the formal close (``ticket.close``); read here for its
page, its PDF and the API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.businesstime import calendar as business_calendar
from app.businesstime.arithmetic import business_time_between
from app.errors import Conflict
from app.extensions import db
from app.i18n import _
from app.models import Ticket, TicketEvent, User
from app.services.cases import categories, kinds
from app.services.cases.ticket_service import visible_ticket
from app.services.control import costs

DEFAULT_CALENDAR = "horario_comercial"
# What the report retells of the timeline: the work done and the changes of state, not the automatic lines.
STEP_KINDS = ("opened", "task_completed", "status_changed", "assigned", "escalated", "answered",
              "staff_reply", "customer_message")


@dataclass
class InternalReport:
    ticket: Ticket
    kind_label: str
    category_label: str
    status_label: str
    nature: str
    actions: list[str]
    solution: str
    team: str
    technician: str
    rounds: int
    escalated: bool
    reported_at: datetime
    resolved_at: datetime | None
    closed_at: datetime
    elapsed_hours: float  # calendar time from the report to the resolution
    business_hours: float  # business time of the ticket's calendar, pauses waiting on the customer excluded
    paused_hours: float
    within_sla: bool | None
    response_within_sla: bool | None
    survey_score: int | None
    survey_comment: str
    steps: list[TicketEvent]
    cost: costs.TicketCost

    def as_dict(self) -> dict:
        ticket = self.ticket
        return {
            "number": ticket.number, "kind": ticket.kind, "kind_label": self.kind_label,
            "category": ticket.category, "category_label": self.category_label, "priority": ticket.priority,
            "channel": ticket.channel, "customer": ticket.customer.number, "nature": self.nature,
            "actions": self.actions, "solution": self.solution, "team": self.team, "technician": self.technician,
            "rounds": self.rounds, "escalated": self.escalated, "reported_at": self.reported_at.isoformat(),
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "closed_at": self.closed_at.isoformat(), "elapsed_hours": self.elapsed_hours,
            "business_hours": self.business_hours, "paused_hours": self.paused_hours,
            "within_sla": self.within_sla, "response_within_sla": self.response_within_sla,
            "survey_score": self.survey_score, "survey_comment": self.survey_comment,
            "steps": [{"at": e.created_at.isoformat(), "kind": e.kind, "message": e.message,
                       "by": e.actor.full_name if e.actor else None} for e in self.steps],
            "cost": self.cost.as_dict(),
        }


def internal_report(number: str, actor: User) -> InternalReport:
    """The report of ticket ``number`` for a staff member who may see the ticket; refused while open."""
    ticket = visible_ticket(number, actor)
    if ticket.closed_at is None:
        raise Conflict(_("Ticket %(number)s is not closed yet: its internal report is written at the close.",
                         number=ticket.number))
    report = ticket.report or {}
    end = ticket.resolved_at or ticket.closed_at
    paused = (ticket.sla_paused_seconds or 0) / 3600
    calendar = business_calendar.load(ticket.sla_calendar or DEFAULT_CALENDAR)
    business = business_time_between(ticket.reported_at, end, calendar).total_seconds() / 3600
    actions = report.get("actions") or []
    return InternalReport(
        ticket=ticket, kind_label=kinds.kind_labels().get(ticket.kind, ticket.kind),
        category_label=categories.leaf_label(ticket.category) or ticket.category or "",
        status_label=kinds.status_label(ticket),
        nature=categories.leaf_label(report.get("nature")) or report.get("nature") or "",
        actions=[str(a) for a in (actions if isinstance(actions, list) else [actions])],
        solution=report.get("solution") or "",
        team=ticket.team.name if ticket.team else "", technician=ticket.assignee.full_name if ticket.assignee else "",
        rounds=report.get("rounds") or ticket.round, escalated=ticket.escalated_at is not None,
        reported_at=ticket.reported_at, resolved_at=ticket.resolved_at, closed_at=ticket.closed_at,
        elapsed_hours=round((end - ticket.reported_at).total_seconds() / 3600, 2),
        business_hours=round(max(business - paused, 0.0), 2), paused_hours=round(paused, 2),
        within_sla=report.get("within_sla"), response_within_sla=report.get("response_within_sla"),
        survey_score=ticket.survey_score, survey_comment=ticket.survey_comment or "",
        steps=_steps(ticket), cost=costs.ticket_cost(ticket))


def _steps(ticket: Ticket) -> list[TicketEvent]:
    return list(db.session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(STEP_KINDS))
        .options(joinedload(TicketEvent.actor)).order_by(TicketEvent.id)))
