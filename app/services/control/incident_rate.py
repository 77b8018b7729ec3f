"""Percentage of incidents: incidents per 1,000 active customers, month by month and by service and zone.

An active customer is one with a service (``Customer.service_line``) registered before the end of the
month; the customer fields of the filter (segment, zone, service) narrow both sides of the ratio."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from sqlalchemy import case, func, select

from app.extensions import db
from app.i18n import _, _l
from app.models import Customer, Ticket
from app.services.control.filters import ControlFilter
from app.services.control.tables import Chart, Column, Section, Table

PER = 1000
FIGURES = {"incidents": _l("Incidents"), "active_customers": _l("Active customers at the end"),
           "per_thousand": _l("Incidents per 1,000 customers")}


def incident_rate(flt: ControlFilter, now: datetime) -> Section:
    """Two grouped scans: the incidents by month, service and zone; the active customers by service and zone,
    counted at the end of each month."""
    months = _months(flt)
    month_of = case(*[(Ticket.reported_at < end, index) for index, (_label, end) in enumerate(months)])
    service, zone = func.coalesce(Customer.service_line, ""), func.coalesce(Customer.zone, "")
    incidents = db.session.execute(
        select(month_of, service, zone, func.count()).select_from(Ticket)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.kind == "incident", Ticket.reported_at >= flt.since, Ticket.reported_at < flt.until,
               *flt.ticket_conditions(kind=False)).group_by(month_of, service, zone)).all()
    customers = db.session.execute(
        select(service, zone, *[func.sum(case((Customer.created_at < end, 1), else_=0)) for _label, end in months])
        .where(Customer.service_line.is_not(None), Customer.created_at < flt.until, *flt.customer_conditions())
        .group_by(service, zone)).all()
    per_month, per_service, per_zone = Counter(), Counter(), Counter()
    for month, service_line, area, count in incidents:
        per_month[month] += count
        per_service[service_line] += count
        per_zone[area] += count
    active_at = [sum(int(row[2 + index]) for row in customers) for index in range(len(months))]
    active_service, active_zone = Counter(), Counter()
    for service_line, area, *at_month_ends in customers:
        active_service[service_line] += int(at_month_ends[-1])
        active_zone[area] += int(at_month_ends[-1])
    monthly = [{"month": label, "incidents": per_month[index], "active_customers": active_at[index],
                "per_thousand": _rate(per_month[index], active_at[index])}
               for index, (label, _end) in enumerate(months)]
    total, active = sum(per_month.values()), active_at[-1] if months else 0
    section = Section("incident_rate", _("Incidents per 1,000 active customers"), labels=FIGURES, figures={
        "incidents": total, "active_customers": active, "per_thousand": _rate(total, active)})
    section.tables.append(Table("incident_rate", _("Incidents per 1,000 active customers by month"), [
        Column("month", _("Month")), Column("incidents", _("Incidents")),
        Column("active_customers", _("Active customers")), Column("per_thousand", _("Per 1,000 customers"))],
        monthly))
    section.tables.append(_by_group("incident_rate_service", _("By service"), _("Service"), per_service,
                                    active_service))
    section.tables.append(_by_group("incident_rate_zone", _("By zone"), _("Zone"), per_zone, active_zone))
    section.charts.append(Chart("incident_rate", "line", "month", ("per_thousand",)))
    return section


def _by_group(key: str, title: str, label: str, incidents: Counter, active: Counter) -> Table:
    rows = [{"group": name or _("not recorded"), "incidents": incidents[name], "active_customers": active[name],
             "per_thousand": _rate(incidents[name], active[name])}
            for name in sorted(set(incidents) | set(active))]
    return Table(key, title, [Column("group", label), Column("incidents", _("Incidents")),
                              Column("active_customers", _("Active customers")),
                              Column("per_thousand", _("Per 1,000 customers"))], rows)


def _months(flt: ControlFilter) -> list[tuple[str, datetime]]:
    """(YYYY-MM, the instant after the month or the period, whichever comes first) for each month."""
    zone = flt.since.tzinfo
    months, first = [], date(flt.start.year, flt.start.month, 1)
    while first <= flt.end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        months.append((first.strftime("%Y-%m"), min(datetime.combine(following, time(), zone), flt.until)))
        first = following
    return months


def _rate(count: int, customers: int) -> float | None:
    return round(PER * count / customers, 2) if customers else None
