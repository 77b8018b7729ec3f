"""How many cases came in and how they went: by classification and priority, channel mix, escalations by
level and reopenings (the cohort of the period: cases reported in it), and the open backlog by age."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.i18n import _, _l
from app.models import CaseStatus, Category, IncidentDetail, Ticket
from app.services.cases import kinds
from app.services.control.filters import ControlFilter
from app.services.control.tables import Chart, Column, Section, Table, percent
from handlers.incidents import LEVEL_LABELS

# Open cases by age since the report (calendar days): upper bound in days, label.
AGE_BUCKETS = ((1, _l("less than a day")), (3, _l("1 to 3 days")), (7, _l("3 to 7 days")),
               (30, _l("7 to 30 days")), (None, _l("more than 30 days")))
VOLUME_FIGURES = {"tickets": _l("Cases reported"), "resolved": _l("Resolved at least once"),
                  "reopened": _l("Reopened"), "reopen_rate": _l("Reopen rate (%)")}
BACKLOG_FIGURES = {"open": _l("Open now"), "oldest_days": _l("Oldest (days)")}


def volume(flt: ControlFilter, now: datetime) -> Section:
    """Counts by classification and priority, the channel mix, escalations by level and the reopen rate."""
    cohort = flt.reported_in_period()
    total = db.session.scalar(select(func.count()).select_from(Ticket).where(*cohort)) or 0
    section = Section("volume", _("Cases of the period"), figures={"tickets": total}, labels=VOLUME_FIGURES)
    section.tables.append(_by_category(cohort))
    section.tables.append(_by_priority(cohort, total))
    section.tables.append(_by_channel(cohort, total))
    section.tables.append(_by_escalation_level(cohort, total))
    section.figures.update(_reopenings(cohort))
    section.charts += [Chart("by_priority", "bar", "priority", ("tickets",)),
                       Chart("by_channel", "doughnut", "channel", ("tickets",)),
                       Chart("escalations", "bar", "level", ("tickets",))]
    return section


def backlog(flt: ControlFilter, now: datetime) -> Section:
    """Cases still open now (reported before the period ends), by age since the report."""
    conditions = [CaseStatus.is_open(Ticket.kind, Ticket.status), Ticket.reported_at < flt.until,
                  *flt.ticket_conditions()]
    age = case(*[(Ticket.reported_at > now - timedelta(days=days), str(index))
                 for index, (days, _label) in enumerate(AGE_BUCKETS) if days is not None],
               else_=str(len(AGE_BUCKETS) - 1))
    counts = dict(db.session.execute(select(age, func.count()).where(*conditions).group_by(age)).all())
    oldest = db.session.scalar(select(func.min(Ticket.reported_at)).where(*conditions))
    table = Table("backlog", _("Open backlog by age"), [Column("age", _("Age")), Column("tickets", _("Cases"))],
                  [{"age": str(label), "tickets": counts.get(str(index), 0)}
                   for index, (_days, label) in enumerate(AGE_BUCKETS)])
    open_total = sum(counts.values())
    return Section("backlog", _("Open backlog"), tables=[table],
                   figures={"open": open_total,
                            "oldest_days": round((now - oldest).total_seconds() / 86400, 1) if oldest else None},
                   charts=[Chart("backlog", "bar", "age", ("tickets",))], labels=BACKLOG_FIGURES)


def _by_category(cohort: list) -> Table:
    priorities = kinds.priority_labels()
    rows = db.session.execute(select(Ticket.kind, Ticket.category, Ticket.priority, func.count())
                              .where(*cohort).group_by(Ticket.kind, Ticket.category, Ticket.priority)).all()
    kind_labels, paths = kinds.kind_labels(), category_paths()
    by_key: dict[tuple, dict] = {}
    for kind, category, priority, count in rows:
        row = by_key.setdefault((kind, category or ""), {
            "kind": kind_labels.get(kind, kind), "category": paths.get(category, category or _("unclassified")),
            **{code: 0 for code in priorities}, "none": 0, "total": 0})
        row[priority if priority in priorities else "none"] += count
        row["total"] += count
    columns = [Column("kind", _("Kind")), Column("category", _("Category")),
               *[Column(code, label) for code, label in priorities.items()], Column("none", _("No priority")),
               Column("total", _("Total"))]
    return Table("by_category", _("Cases by classification and priority"), columns,
                 sorted(by_key.values(), key=lambda r: (-r["total"], r["kind"], r["category"])))


def _by_priority(cohort: list, total: int) -> Table:
    labels = kinds.priority_labels()
    counts = dict(db.session.execute(select(Ticket.priority, func.count()).where(*cohort)
                                     .group_by(Ticket.priority)).all())
    rows = [{"priority": labels.get(code, code) if code else _("No priority"), "tickets": count,
             "share": percent(count, total)}
            for code, count in sorted(counts.items(), key=lambda item: _priority_order(item[0]))]
    return Table("by_priority", _("Cases by priority"), [Column("priority", _("Priority")),
                 Column("tickets", _("Cases")), Column("share", _("% of cases"))], rows)


def _by_channel(cohort: list, total: int) -> Table:
    labels = kinds.channel_labels()
    counts = db.session.execute(select(Ticket.channel, func.count()).where(*cohort).group_by(Ticket.channel)
                                .order_by(func.count().desc(), Ticket.channel)).all()
    return Table("by_channel", _("Channel mix"), [Column("channel", _("Channel")), Column("tickets", _("Cases")),
                 Column("share", _("% of cases"))],
                 [{"channel": labels.get(code, code), "tickets": count, "share": percent(count, total)}
                  for code, count in counts])


def escalation_level():
    """The highest level a case reached: an incident's protocol level, else the supervisor when it was
    escalated (complaints escalate straight to her), else level 1."""
    return case((and_(IncidentDetail.level.is_not(None), IncidentDetail.level != "n1"), IncidentDetail.level),
                (Ticket.escalated_at.is_not(None), "supervisor"), else_="n1")


def _by_escalation_level(cohort: list, total: int) -> Table:
    level = escalation_level()
    counts = dict(db.session.execute(
        select(level, func.count()).select_from(Ticket)
        .outerjoin(IncidentDetail, IncidentDetail.ticket_id == Ticket.id).where(*cohort).group_by(level)).all())
    return Table("escalations", _("Escalations by level"), [Column("level", _("Highest level reached")),
                 Column("tickets", _("Cases")), Column("share", _("% of cases"))],
                 [{"level": str(label), "tickets": counts.get(code, 0), "share": percent(counts.get(code, 0), total)}
                  for code, label in LEVEL_LABELS.items()])


def _reopenings(cohort: list) -> dict:
    """Reopen rate: cases reopened at least once among those resolved at least once."""
    resolved_once = or_(Ticket.resolved_at.is_not(None), Ticket.closed_at.is_not(None), Ticket.reopen_count > 0)
    resolved, reopened = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Ticket.reopen_count > 0, 1), else_=0)), 0))
        .where(*cohort, resolved_once)).one()
    return {"resolved": resolved, "reopened": int(reopened), "reopen_rate": percent(int(reopened), resolved)}


def category_paths() -> dict[str, str]:
    """Leaf code -> "level 1 › level 2 › level 3" (one query for the whole taxonomy)."""
    nodes = {row.id: row for row in db.session.execute(select(Category.id, Category.parent_id, Category.code,
                                                               Category.label, Category.level))}
    paths = {}
    for node in nodes.values():
        if node.level != Category.LEAF_LEVEL:
            continue
        labels, current = [], node
        while current is not None:
            labels.insert(0, current.label)
            current = nodes.get(current.parent_id)
        paths[node.code] = " › ".join(labels)
    return paths


def _priority_order(code: str | None) -> int:
    order = list(kinds.priority_labels())
    return order.index(code) if code in order else len(order)
