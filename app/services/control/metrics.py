"""How many cases came in and how they went: by classification and priority, channel mix, escalations by
level and reopenings (the cohort of the period: cases reported in it), and the open backlog by age.

The volume tables all come from one grouped scan of the period (kind × category × priority × channel ×
escalation level, with the reopen counts summed): at 100,000 cases one pass costs what one table did."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.i18n import _, _l
from app.models import CaseStatus, IncidentDetail, Ticket
from app.services.cases import categories, kinds
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
    level = escalation_level()
    resolved_once = or_(Ticket.resolved_at.is_not(None), Ticket.closed_at.is_not(None), Ticket.reopen_count > 0)
    groups = db.session.execute(
        select(Ticket.kind, Ticket.category, Ticket.priority, Ticket.channel, level, func.count(),
               func.sum(case((resolved_once, 1), else_=0)),
               func.sum(case((and_(resolved_once, Ticket.reopen_count > 0), 1), else_=0)))
        .select_from(Ticket).outerjoin(IncidentDetail, IncidentDetail.ticket_id == Ticket.id)
        .where(*flt.reported_in_period())
        .group_by(Ticket.kind, Ticket.category, Ticket.priority, Ticket.channel, level)).all()
    by = {name: Counter() for name in ("category", "priority", "channel", "level")}
    resolved = reopened = 0
    for kind, category, priority, channel, reached, count, resolved_here, reopened_here in groups:
        by["category"][(kind, category or "", priority)] += count
        by["priority"][priority] += count
        by["channel"][channel] += count
        by["level"][reached] += count
        resolved, reopened = resolved + int(resolved_here or 0), reopened + int(reopened_here or 0)
    total = sum(by["priority"].values())
    section = Section("volume", _("Cases of the period"), labels=VOLUME_FIGURES, figures={
        "tickets": total, "resolved": resolved, "reopened": reopened, "reopen_rate": percent(reopened, resolved)})
    section.tables += [_by_category(by["category"]), _by_priority(by["priority"], total),
                       _by_channel(by["channel"], total), _by_escalation_level(by["level"], total)]
    section.charts += [Chart("by_priority", "bar", "priority", ("tickets",)),
                       Chart("by_channel", "doughnut", "channel", ("tickets",)),
                       Chart("escalations", "bar", "level", ("tickets",))]
    return section


def backlog(flt: ControlFilter, now: datetime) -> Section:
    """Cases still open now (reported before the period ends), by age since the report."""
    # The status index finds the few open cases; the EXISTS keeps a code open only in the kinds where it is.
    conditions = [Ticket.status.in_(CaseStatus.open_codes()), CaseStatus.is_open(Ticket.kind, Ticket.status),
                  Ticket.reported_at < flt.until, *flt.ticket_conditions()]
    age = case(*[(Ticket.reported_at > now - timedelta(days=days), str(index))
                 for index, (days, _label) in enumerate(AGE_BUCKETS) if days is not None],
               else_=str(len(AGE_BUCKETS) - 1))
    rows = db.session.execute(select(age, func.count(), func.min(Ticket.reported_at)).where(*conditions)
                              .group_by(age)).all()
    counts = {bucket: count for bucket, count, _oldest in rows}
    oldest = min((first for _bucket, _count, first in rows), default=None)
    table = Table("backlog", _("Open backlog by age"), [Column("age", _("Age")), Column("tickets", _("Cases"))],
                  [{"age": str(label), "tickets": counts.get(str(index), 0)}
                   for index, (_days, label) in enumerate(AGE_BUCKETS)])
    return Section("backlog", _("Open backlog"), tables=[table],
                   figures={"open": sum(counts.values()),
                            "oldest_days": round((now - oldest).total_seconds() / 86400, 1) if oldest else None},
                   charts=[Chart("backlog", "bar", "age", ("tickets",))], labels=BACKLOG_FIGURES)


def escalation_level():
    """The highest level a case reached: an incident's protocol level, else the supervisor when it was
    escalated (complaints escalate straight to her), else level 1. Needs ``IncidentDetail`` outer-joined."""
    return case((and_(IncidentDetail.level.is_not(None), IncidentDetail.level != "n1"), IncidentDetail.level),
                (Ticket.escalated_at.is_not(None), "supervisor"), else_="n1")


def _by_category(counts: Counter) -> Table:
    priorities = kinds.priority_labels()
    kind_labels, paths = kinds.kind_labels(), categories.leaf_paths()
    by_key: dict[tuple, dict] = {}
    for (kind, category, priority), count in counts.items():
        row = by_key.setdefault((kind, category), {
            "kind": kind_labels.get(kind, kind), "category": paths.get(category, category or _("unclassified")),
            **{code: 0 for code in priorities}, "none": 0, "total": 0})
        row[priority if priority in priorities else "none"] += count
        row["total"] += count
    columns = [Column("kind", _("Kind")), Column("category", _("Category")),
               *[Column(code, label) for code, label in priorities.items()], Column("none", _("No priority")),
               Column("total", _("Total"))]
    return Table("by_category", _("Cases by classification and priority"), columns,
                 sorted(by_key.values(), key=lambda r: (-r["total"], r["kind"], r["category"])))


def _by_priority(counts: Counter, total: int) -> Table:
    labels = kinds.priority_labels()
    rows = [{"priority": labels.get(code, code) if code else _("No priority"), "tickets": count,
             "share": percent(count, total)}
            for code, count in sorted(counts.items(), key=lambda item: _priority_order(item[0])) if count]
    return Table("by_priority", _("Cases by priority"), [Column("priority", _("Priority")),
                 Column("tickets", _("Cases")), Column("share", _("Share of cases (%)"))], rows)


def _by_channel(counts: Counter, total: int) -> Table:
    labels = kinds.channel_labels()
    return Table("by_channel", _("Channel mix"), [Column("channel", _("Channel")), Column("tickets", _("Cases")),
                 Column("share", _("Share of cases (%)"))],
                 [{"channel": labels.get(code, code), "tickets": count, "share": percent(count, total)}
                  for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if count])


def _by_escalation_level(counts: Counter, total: int) -> Table:
    return Table("escalations", _("Escalations by level"), [Column("level", _("Highest level reached")),
                 Column("tickets", _("Cases")), Column("share", _("Share of cases (%)"))],
                 [{"level": str(label), "tickets": counts[code], "share": percent(counts[code], total)}
                  for code, label in LEVEL_LABELS.items()])


def _priority_order(code: str | None) -> int:
    order = list(kinds.priority_labels())
    return order.index(code) if code in order else len(order)
