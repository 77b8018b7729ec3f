"""The costs of closed tickets, against the figures worked out by hand in ``cost_data``."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CostRate
from app.services.control import costs, internal_report
from tests.conftest import user
from tests.services.control import cost_data
from tests.services.control.review_data import local

NOVEMBER = costs.CostQuery(start=local(2026, 11, 1), end=local(2026, 12, 1))


@pytest.fixture
def tickets(app):
    return cost_data.build()


@pytest.fixture
def rates(app):
    """The seed's rates, put back after a test that changes them."""
    before = {r.code: r.amount for r in db.session.scalars(select(CostRate))}
    yield before
    for row in db.session.scalars(select(CostRate)):
        row.amount = before[row.code]
    db.session.commit()


def figures(group) -> tuple:
    return (group.tickets, group.minutes, group.work, group.visits, group.visits_cost, group.credits, group.total)


def test_the_period_costs_work_visits_and_credits(tickets):
    report = costs.report(NOVEMBER, user("supervisor"))

    assert report.currency == "MXN"
    assert figures(report.overall) == (3, 365, Decimal("1355.00"), 1, Decimal("650.00"), Decimal("205.50"),
                                       Decimal("2210.50"))
    assert report.overall.mean == Decimal("736.83")  # 2,210.50 / 3
    assert [(g.key, g.total) for g in report.by_category] == [
        ("sin_servicio", Decimal("1745.00")), ("facturacion", Decimal("355.50")), ("lentitud", Decimal("110.00"))]
    assert [(g.label, g.tickets, g.total) for g in report.by_team] == [
        ("Soporte técnico nivel 1", 2, Decimal("1855.00")), ("Redes (nivel 2)", 1, Decimal("355.50"))]
    assert [(g.key, g.minutes, g.total) for g in report.tickets] == [
        (tickets["A"].number, 305, Decimal("1745.00")), (tickets["C"].number, 30, Decimal("355.50")),
        (tickets["B"].number, 30, Decimal("110.00"))]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"kind": "claim"}, ["C"]),
    ({"team": "soporte_n1"}, ["A", "B"]),
    ({"category": "lentitud"}, ["B"]),
    ({"kind": "incident"}, []),
])
def test_the_filters_narrow_the_tickets(tickets, filters, expected):
    query = costs.CostQuery(start=NOVEMBER.start, end=NOVEMBER.end, **filters)
    report = costs.report(query, user("supervisor"))
    assert sorted(g.key for g in report.tickets) == sorted(tickets[k].number for k in expected)
    assert report.overall.tickets == len(expected)


def test_a_tickets_breakdown_entered_time_wins_and_elapsed_time_is_capped(tickets):
    a = costs.ticket_cost(tickets["A"])
    assert [(t.title, t.minutes, t.entered, t.hourly, t.cost) for t in a.tasks] == [
        ("Registrar", 20, False, Decimal("150.00"), Decimal("50.00")),
        ("Diagnóstico", 45, False, Decimal("220.00"), Decimal("165.00")),  # from the claim, not from ready
        ("Visita in situ", 240, False, Decimal("220.00"), Decimal("880.00")),  # a whole day, capped
    ]
    assert (a.visits, a.visits_cost, a.credits, a.total) == (1, Decimal("650.00"), Decimal("0.00"),
                                                             Decimal("1745.00"))
    b = costs.ticket_cost(tickets["B"])
    assert [(t.minutes, t.entered, t.cost) for t in b.tasks] == [(30, True, Decimal("110.00"))]
    c = costs.ticket_cost(tickets["C"])
    assert (c.work, c.credits, c.total) == (Decimal("150.00"), Decimal("205.50"), Decimal("355.50"))
    assert c.tasks[0].role == "Aprobador"


def test_the_internal_report_shows_the_cost(tickets):
    report = internal_report.internal_report(tickets["A"].number, user("supervisor"))
    assert report.cost.total == Decimal("1745.00")
    assert report.as_dict()["cost"]["total"] == "1745.00"


def test_changed_rates_price_the_costs_and_are_audited(tickets, rates):
    changed = costs.update_rates({"technician": "250", "visit": "650.00", "task_cap_minutes": "60"}, user("admin"))

    assert changed == {"technician": ["220.00", "250.00"], "task_cap_minutes": ["240.00", "60.00"]}
    # A: 50 + 45 × 250/h (187.50) + 60 capped × 250/h (250.00) + 650 = 1,137.50; B: 30 entered × 250/h = 125.00
    report = costs.report(NOVEMBER, user("supervisor"))
    assert {g.key: g.total for g in report.tickets} == {
        tickets["A"].number: Decimal("1137.50"), tickets["B"].number: Decimal("125.00"),
        tickets["C"].number: Decimal("355.50")}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cost_rates_changed"))
    assert event.actor_name == "admin" and event.changes == changed


@pytest.mark.parametrize("values", [{"technician": "-1"}, {"visit": "abc"}, {"visit": "1.234"},
                                    {"task_cap_minutes": "1441"}, {"task_cap_minutes": "30.5"},
                                    {"technician": "300", "visit": "NaN"}])
def test_bad_rates_are_refused_and_nothing_is_stored(app, rates, values):
    with pytest.raises(ValidationFailed) as err:
        costs.update_rates(values, user("admin"))
    assert set(err.value.errors) <= set(values)
    assert {r.code: r.amount for r in db.session.scalars(select(CostRate))} == rates


def test_only_supervisors_read_and_only_administrators_change(app):
    with pytest.raises(Forbidden):
        costs.report(NOVEMBER, user("tecnico1"))
    with pytest.raises(Forbidden):
        costs.update_rates({"visit": "1"}, user("supervisor"))
    with pytest.raises(ValidationFailed):
        costs.report(costs.CostQuery(start=NOVEMBER.end, end=NOVEMBER.start), user("supervisor"))
