"""Periodic review of closed tickets: patterns by nature and priority, resolution times, SLA, satisfaction.

The figures are the dashboard's (``app/services/control``): resolution in business time of the SLA
calendar with the waits on the customer excluded (``Ticket.resolution_seconds``), nearest-rank medians;
what the review adds is the grouping by the nature written in each closing report, and the reports."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Ticket, User
from app.services.control.dashboard import require_supervisor
from app.services.control.tables import hours, percent
from app.services.control.times import nearest_rank


@dataclass
class Group:
    key: str
    tickets: int = 0
    resolution_seconds: list[int] = field(default_factory=list)
    within_sla: int = 0
    scores: list[int] = field(default_factory=list)
    reopened_rounds: int = 0

    def as_dict(self) -> dict:
        ordered = sorted(self.resolution_seconds)
        return {
            "key": self.key,
            "tickets": self.tickets,
            "mean_resolution_hours": hours(sum(ordered) / len(ordered)) if ordered else None,
            "median_resolution_hours": hours(nearest_rank(ordered, 50)) if ordered else None,
            "within_sla_pct": percent(self.within_sla, self.tickets),
            "mean_survey_score": round(sum(self.scores) / len(self.scores), 2) if self.scores else None,
            "surveys": len(self.scores),
            "extra_rounds": self.reopened_rounds,
        }


def closed_tickets_review(start: datetime, end: datetime, actor: User) -> dict:
    """Closed tickets in [start, end) summarised overall, by nature and by priority, with their reports."""
    require_supervisor(actor)
    if end <= start:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"to": [_("Must be later than the start date.")]})
    tickets = list(db.session.scalars(
        select(Ticket).where(Ticket.closed_at >= start, Ticket.closed_at < end, Ticket.report.is_not(None))
        .order_by(Ticket.closed_at)))
    overall, by_nature, by_priority = Group("total"), {}, {}
    for ticket in tickets:
        report = ticket.report or {}
        for group in (overall, by_nature.setdefault(report.get("nature") or "-", Group(report.get("nature") or "-")),
                      by_priority.setdefault(ticket.priority or "-", Group(ticket.priority or "-"))):
            _add(group, ticket, report)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "overall": overall.as_dict(),
        "by_nature": [g.as_dict() for g in sorted(by_nature.values(), key=lambda g: -g.tickets)],
        "by_priority": [g.as_dict() for g in sorted(by_priority.values(), key=lambda g: -g.tickets)],
        "tickets": [{"number": t.number, "closed_at": t.closed_at.isoformat(), **(t.report or {})} for t in tickets],
    }


def _add(group: Group, ticket: Ticket, report: dict) -> None:
    group.tickets += 1
    if ticket.resolution_seconds is not None:
        group.resolution_seconds.append(ticket.resolution_seconds)
    group.within_sla += 1 if report.get("within_sla") else 0
    if ticket.survey_score is not None:
        group.scores.append(ticket.survey_score)
    # The first attention round is round 1; every further one is a reopening or a request for details.
    group.reopened_rounds += max((report.get("rounds") or 1) - 1, 0)
