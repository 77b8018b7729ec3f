"""The one filter every control figure reads: a period (office dates, inclusive) and the same narrowing
fields on every section, so a table, its chart, its export and its API figure always agree."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.i18n import _l
from app.models import Customer, LineOfBusiness, Team, Ticket, User
from app.services.cases import categories, kinds

# The narrowing fields, in the order pages and exports list them (the period comes first).
NARROWING = {"kind": _l("Kind"), "category": _l("Category"), "priority": _l("Priority"), "channel": _l("Channel"),
             "team": _l("Team"), "technician": _l("Technician"), "segment": _l("Customer segment"),
             "zone": _l("Zone"), "service": _l("Service")}


@dataclass(frozen=True)
class ControlFilter:
    start: date
    end: date  # inclusive
    kind: str = ""
    category: str = ""  # a code of any level of the taxonomy: its leaves
    priority: str = ""
    channel: str = ""
    team: str = ""  # team code
    technician: str = ""  # username of the assignee
    segment: str = ""  # customer segment
    zone: str = ""  # customer zone
    service: str = ""  # customer line of business

    @property
    def since(self) -> datetime:
        """The first instant of the period (office time zone)."""
        return datetime.combine(self.start, time(), clock.OFFICE_TZ)

    @property
    def until(self) -> datetime:
        """The instant just after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), clock.OFFICE_TZ)

    def applied(self) -> dict[str, str]:
        """The narrowing fields in use, by name (for links and the API)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in NARROWING and getattr(self, f.name)}

    def described(self) -> list[tuple[str, str]]:
        """(label, value) of each narrowing field in use, for the head of an export."""
        return [(str(NARROWING[name]), value) for name, value in self.applied().items()]

    def ticket_conditions(self, *, kind: bool = True) -> list:
        """SQL conditions on ``Ticket`` for every narrowing field in use (not the period)."""
        conditions = []
        if kind and self.kind:
            conditions.append(Ticket.kind == self.kind)
        if self.category:
            conditions.append(Ticket.category.in_(categories.codes_under(self.category)))
        if self.priority:
            conditions.append(Ticket.priority == self.priority)
        if self.channel:
            conditions.append(Ticket.channel == self.channel)
        if self.team:
            conditions.append(Ticket.team_id == select(Team.id).where(Team.code == self.team).scalar_subquery())
        if self.technician:
            conditions.append(Ticket.assignee_id == select(User.id).where(User.username == self.technician)
                              .scalar_subquery())
        customer = self.customer_conditions()
        if customer:
            conditions.append(Ticket.customer_id.in_(select(Customer.id).where(*customer)))
        return conditions

    def customer_conditions(self) -> list:
        conditions = []
        if self.segment:
            conditions.append(Customer.segment == self.segment)
        if self.zone:
            conditions.append(Customer.zone == self.zone)
        if self.service:
            conditions.append(Customer.service_line == self.service)
        return conditions

    def reported_in_period(self) -> list:
        """The cohort of a period: the tickets reported in it, narrowed."""
        return [Ticket.reported_at >= self.since, Ticket.reported_at < self.until, *self.ticket_conditions()]


def choices() -> dict[str, list[tuple[str, str]]]:
    """(value, label) of each narrowing field with a closed list, for the page's selects."""
    return {
        "kind": list(kinds.kind_labels().items()),
        "category": _indented(categories.tree()),
        "priority": list(kinds.priority_labels().items()),
        "channel": list(kinds.channel_labels().items()),
        "team": list(db.session.execute(select(Team.code, Team.name).order_by(Team.name)).all()),
        "technician": [(u.username, u.full_name) for u in db.session.scalars(select(User).order_by(User.full_name))
                       if "technician" in u.roles],
        "segment": _distinct(Customer.segment),
        "zone": _distinct(Customer.zone),
        "service": list(db.session.execute(select(LineOfBusiness.code, LineOfBusiness.label)
                                           .order_by(LineOfBusiness.label)).all()),
    }


def _indented(nodes, depth: int = 0) -> list[tuple[str, str]]:
    """The taxonomy depth-first, each level indented under its parent."""
    found = []
    for node in nodes:
        found.append((node.category.code, "\u00a0\u00a0" * depth + node.category.label))
        found += _indented(node.children, depth + 1)
    return found


def _distinct(column) -> list[tuple[str, str]]:
    return [(value, value) for value in db.session.scalars(select(column).where(column.is_not(None), column != "")
                                                           .distinct().order_by(column))]
