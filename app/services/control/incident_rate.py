"""Percentage of incidents: incidents per 1,000 active customers, month by month and by service and zone.

An active customer is one with a service (``Customer.service_line``) registered before the end of the
month; the customer fields of the filter (segment, zone, service) narrow both sides of the ratio."""
from __future__ import annotations

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
    months = _months(flt)
    incidents = [Ticket.kind == "incident", Ticket.reported_at >= flt.since, Ticket.reported_at < flt.until,
                 *flt.ticket_conditions(kind=False)]
    active = [Customer.service_line.is_not(None), *flt.customer_conditions()]
    month_of = case(*[(Ticket.reported_at < end, index) for index, (_label, end) in enumerate(months)])
    per_month = dict(db.session.execute(select(month_of, func.count()).where(*incidents).group_by(month_of)).all())
    customers = db.session.execute(select(*[func.coalesce(func.sum(case((Customer.created_at < end, 1), else_=0)), 0)
                                            for _label, end in months]).where(*active)).one()
    monthly = [{"month": label, "incidents": per_month.get(index, 0), "active_customers": int(customers[index]),
                "per_thousand": _rate(per_month.get(index, 0), int(customers[index]))}
               for index, (label, _end) in enumerate(months)]
    total = sum(row["incidents"] for row in monthly)
    section = Section("incident_rate", _("Incidents per 1,000 active customers"), figures={
        "incidents": total, "active_customers": int(customers[-1]) if months else 0,
        "per_thousand": _rate(total, int(customers[-1]) if months else 0)}, labels=FIGURES)
    section.tables.append(Table("incident_rate", _("Incidents per 1,000 active customers by month"), [
        Column("month", _("Month")), Column("incidents", _("Incidents")),
        Column("active_customers", _("Active customers")), Column("per_thousand", _("Per 1,000 customers"))],
        monthly))
    section.tables.append(_by_customer_field("incident_rate_service", _("By service"), _("Service"),
                                             Customer.service_line, incidents, active, flt))
    section.tables.append(_by_customer_field("incident_rate_zone", _("By zone"), _("Zone"),
                                             Customer.zone, incidents, active, flt))
    section.charts.append(Chart("incident_rate", "line", "month", ("per_thousand",)))
    return section


def _by_customer_field(key: str, title: str, label: str, field, incidents: list, active: list,
                       flt: ControlFilter) -> Table:
    group = func.coalesce(field, "")
    counted = dict(db.session.execute(select(group, func.count()).select_from(Ticket)
                                      .join(Customer, Customer.id == Ticket.customer_id).where(*incidents)
                                      .group_by(group)).all())
    base = dict(db.session.execute(select(group, func.count()).where(*active, Customer.created_at < flt.until)
                                   .group_by(group)).all())
    rows = [{"group": name or _("not recorded"), "incidents": counted.get(name, 0),
             "active_customers": base.get(name, 0), "per_thousand": _rate(counted.get(name, 0), base.get(name, 0))}
            for name in sorted(set(counted) | set(base))]
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
