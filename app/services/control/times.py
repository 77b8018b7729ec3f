"""First-response and resolution times in business time (the ticket's SLA calendar, waiting on the customer
excluded: ``Ticket.response_seconds`` / ``resolution_seconds``) and SLA compliance with the breaches.

Percentiles are nearest-rank: the value at rank ⌈p·n/100⌉ of the sorted durations, so the median of an even
count is its lower middle value."""
from __future__ import annotations

from datetime import datetime
from itertools import chain

from sqlalchemy import String, case, cast, func, or_, select

from app.extensions import db
from app.i18n import _, _l
from app.models import Team, Ticket
from app.services.cases import kinds
from app.services.control.filters import ControlFilter
from app.services.control.tables import Chart, Column, Section, Table, hours, percent

BREACHES_SHOWN = 100  # on the page and in the API; the export lists them all


MEASURES = (("response", Ticket.response_seconds, _l("First response time")),
            ("resolution", Ticket.resolution_seconds, _l("Resolution time")))
STATS = ("median_hours", "p90_hours", "mean_hours")
TIME_FIGURES = {"response_median_hours": _l("First response, median (h)"),
                "response_p90_hours": _l("First response, 90th percentile (h)"),
                "response_mean_hours": _l("First response, mean (h)"),
                "resolution_median_hours": _l("Resolution, median (h)"),
                "resolution_p90_hours": _l("Resolution, 90th percentile (h)"),
                "resolution_mean_hours": _l("Resolution, mean (h)")}
SLA_FIGURES = {"response_compliance": _l("First response on time (%)"),
               "resolution_compliance": _l("Resolved on time (%)")}


def durations(flt: ControlFilter, now: datetime) -> Section:
    """One table per measure: every case of the period, then by priority. Percentiles are read from the
    sorted durations: SQLite has no percentile aggregate and its window functions cost several scans at
    100,000 cases, so one grouped scan hands each priority's durations over as one text to split."""
    joined = db.session.execute(
        select(Ticket.priority, *[_joined(measure) for _key, measure, _title in MEASURES])
        .where(*flt.reported_in_period()).group_by(Ticket.priority)).all()
    section = Section("times", _("Response and resolution times (business hours)"), labels=TIME_FIGURES)
    labels = kinds.priority_labels()
    for index, (key, _measure, title) in enumerate(MEASURES, start=1):
        by_priority = {row[0]: sorted(map(int, row[index].split(","))) for row in joined if row[index]}
        # Each priority's values are sorted runs: sorting their concatenation merges them.
        rows = [_stats_row(_("Total"), sorted(chain.from_iterable(by_priority.values()))),
                *[_stats_row(labels[code], by_priority[code]) for code in labels if code in by_priority]]
        section.tables.append(Table(f"{key}_times", str(title), [
            Column("priority", _("Priority")), Column("tickets", _("Cases")), Column("median_hours", _("Median (h)")),
            Column("p90_hours", _("90th percentile (h)")), Column("mean_hours", _("Mean (h)"))], rows))
        section.figures.update({f"{key}_{stat}": rows[0][stat] for stat in STATS})
        section.charts.append(Chart(f"{key}_times", "bar", "priority", ("median_hours", "p90_hours")))
    return section


def _joined(measure):
    """The group's non-null values as "v1,v2,…" (SQLite group_concat, PostgreSQL string_agg)."""
    if db.engine.dialect.name == "postgresql":
        return func.string_agg(cast(measure, String), ",")
    return func.group_concat(measure, ",")


def nearest_rank(ordered: list[int], p: int) -> int:
    """The p-th percentile of sorted values: the value at rank ⌈p·n/100⌉."""
    return ordered[(len(ordered) * p + 99) // 100 - 1]


def compliance(flt: ControlFilter, now: datetime, *, breaches_limit: int | None = BREACHES_SHOWN) -> Section:
    """Met / breached per target among the cases whose target is decided (done, or due and not done; the
    clock of a case waiting on the customer reads the moment it stopped)."""
    cohort = flt.reported_in_period()
    clock_reads = func.coalesce(Ticket.sla_paused_at, now)
    targets = {
        "response": (Ticket.response_due_at, Ticket.first_responded_at, _("First response")),
        "resolution": (Ticket.sla_due_at, func.coalesce(Ticket.resolved_at, Ticket.closed_at), _("Resolution")),
    }
    # Both targets in one pass; a case without a target compares NULL, so it counts in neither column.
    breached_when = {key: or_(done > due, done.is_(None) & (clock_reads >= due))
                     for key, (due, done, _label) in targets.items()}
    sums = db.session.execute(select(*[
        func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
        for key, (due, done, _label) in targets.items() for condition in (done <= due, breached_when[key])])
        .where(*cohort)).one()
    rows, figures = [], {}
    for index, (key, (_due, _done, label)) in enumerate(targets.items()):
        met, breached = int(sums[2 * index]), int(sums[2 * index + 1])
        rows.append({"target": label, "met": met, "breached": breached, "compliance": percent(met, met + breached)})
        figures[f"{key}_compliance"] = percent(met, met + breached)
    section = Section("sla", _("SLA compliance"), figures=figures, labels=SLA_FIGURES, tables=[Table(
        "sla", _("SLA compliance"), [Column("target", _("Target")), Column("met", _("Met")),
                                     Column("breached", _("Breached")), Column("compliance", _("Met (%)"))], rows)])
    section.tables.append(_breaches(cohort, targets, list(breached_when.values()), breaches_limit))
    section.charts.append(Chart("sla", "bar", "target", ("met", "breached")))
    return section


def _breaches(cohort: list, targets: dict, breached: list, limit: int | None) -> Table:
    response_due, responded, _label = targets["response"]
    resolution_due, resolved, _label = targets["resolution"]
    query = (select(Ticket.number, Ticket.kind, Ticket.priority, Team.code, response_due, responded,
                    resolution_due, resolved, breached[0], breached[1])
             .outerjoin(Team, Team.id == Ticket.team_id).where(*cohort, or_(*breached))
             .order_by(Ticket.reported_at, Ticket.id))
    if limit is not None:
        query = query.limit(limit)
    kind_labels, priorities = kinds.kind_labels(), kinds.priority_labels()
    # Translated once: the export lists tens of thousands of breaches, and a lookup per row was a third of it.
    which = {(True, False): _("response"), (False, True): _("resolution"),
             (True, True): ", ".join((_("response"), _("resolution")))}
    rows = []
    for number, kind, priority, team, r_due, r_done, s_due, s_done, response_hit, resolution_hit in \
            db.session.execute(query):
        rows.append({"number": number, "kind": kind_labels.get(kind, kind),
                     "priority": priorities.get(priority, priority or ""), "team": team or "",
                     "breached": which[bool(response_hit), bool(resolution_hit)], "response_due_at": _iso(r_due),
                     "responded_at": _iso(r_done), "resolution_due_at": _iso(s_due), "resolved_at": _iso(s_done)})
    return Table("breaches", _("SLA breaches"), [
        Column("number", _("Ticket")), Column("kind", _("Kind")), Column("priority", _("Priority")),
        Column("team", _("Team")), Column("breached", _("Breached")),
        Column("response_due_at", _("Response due")), Column("responded_at", _("Responded")),
        Column("resolution_due_at", _("Resolution due")), Column("resolved_at", _("Resolved"))], rows)


def _stats_row(priority: str, ordered: list[int]) -> dict:
    """Count, median, p90 and mean of sorted durations in seconds, as hours."""
    if not ordered:
        return {"priority": priority, "tickets": 0, "median_hours": None, "p90_hours": None, "mean_hours": None}
    return {"priority": priority, "tickets": len(ordered), "median_hours": hours(nearest_rank(ordered, 50)),
            "p90_hours": hours(nearest_rank(ordered, 90)), "mean_hours": hours(sum(ordered) / len(ordered))}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
