"""The costs page (supervisors), the rates page (administrators) and the cost in a ticket's internal report."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, CostRate
from tests.services.control import cost_data


@pytest.fixture
def tickets(app):
    return cost_data.build()


@pytest.fixture
def rates(app):
    before = {r.code: r.amount for r in db.session.scalars(select(CostRate))}
    yield
    for row in db.session.scalars(select(CostRate)):
        row.amount = before[row.code]
    db.session.commit()


def test_a_supervisor_reads_the_costs_of_a_period(staff, tickets):
    page = staff("supervisor").get("/staff/costs?date_from=2026-11-01&date_to=2026-11-30").get_data(True)
    assert "Costos" in page and "Total (MXN)" in page
    assert "2,210.50" in page and "1,855.00" in page  # the total, the support team's
    assert "Soporte técnico nivel 1" in page and "Redes (nivel 2)" in page
    assert tickets["A"].number in page and tickets["D"].number not in page

    claims = staff("supervisor").get("/staff/costs?date_from=2026-11-01&date_to=2026-11-30&kind=claim")
    assert "355.50" in claims.get_data(True) and tickets["A"].number not in claims.get_data(True)


def test_a_bad_period_is_explained_and_technicians_are_refused(staff, tickets):
    page = staff("supervisor").get("/staff/costs?date_from=2026-11-30&date_to=2026-11-01").get_data(True)
    assert "Debe ser posterior a la fecha de inicio." in page
    page = staff("supervisor").get("/staff/costs?date_from=ayer").get_data(True)
    assert "Indique una fecha." in page
    staff("tecnico1").get("/staff/costs", expect=403)


def test_the_internal_report_breaks_the_cost_down(staff, tickets):
    page = staff("supervisor").get(f"/staff/tickets/{tickets['A'].number}/report").get_data(True)
    assert "Costo" in page and "1745.00" in page and "880.00" in page
    assert "1 visita in situ" in page


def test_an_administrator_changes_the_rates_audited(staff, rates):
    admin = staff("admin")
    page = admin.get("/staff/admin/costs").get_data(True)
    assert "Técnico, por hora" in page and "Cada visita in situ" in page

    refused = admin.post("/staff/admin/costs", {"technician": "doscientos", "visit": "700"}, expect=422)
    text = refused.get_data(True)
    assert "Escriba un importe de cero o más, con dos decimales como máximo." in text and "doscientos" in text
    assert db.session.get(CostRate, "visit").amount == 650  # nothing stored

    admin.post("/staff/admin/costs", {"technician": "250", "visit": "700"})
    assert db.session.get(CostRate, "technician").amount == 250
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cost_rates_changed"))
    assert event.changes == {"technician": ["220.00", "250.00"], "visit": ["650.00", "700.00"]}
    staff("supervisor").get("/staff/admin/costs", expect=403)
