"""``GET /api/v1/reports/costs``: the figures of the fixed data set, its filters, who may read it."""
from __future__ import annotations

import pytest

from tests.services.control import cost_data

NOVEMBER = {"from": "2026-11-01T00:00:00-06:00", "to": "2026-12-01T00:00:00-06:00"}


@pytest.fixture
def tickets(app):
    return cost_data.build()


def test_the_costs_of_a_period(api, tickets):
    body = api.get("/reports/costs", "supervisor", query_string=NOVEMBER).json
    assert body["currency"] == "MXN"
    assert body["overall"] == {"key": "total", "label": "Total", "tickets": 3, "minutes": 365, "work": "1355.00",
                               "visits": 1, "visits_cost": "650.00", "credits": "205.50", "total": "2210.50",
                               "mean_per_ticket": "736.83"}
    assert [(g["key"], g["total"]) for g in body["by_category"]] == [
        ("sin_servicio", "1745.00"), ("facturacion", "355.50"), ("lentitud", "110.00")]
    assert [g["tickets"] for g in body["by_team"]] == [2, 1]
    assert body["tickets"][0]["key"] == tickets["A"].number

    claims = api.get("/reports/costs", "supervisor", query_string={**NOVEMBER, "team": "redes"}).json
    assert [g["key"] for g in claims["tickets"]] == [tickets["C"].number]


def test_the_costs_are_for_supervisors_and_need_a_period(api):
    api.get("/reports/costs", "tecnico1", query_string=NOVEMBER, expect=403)
    body = api.get("/reports/costs", "supervisor", query_string={"kind": "x" * 21}, expect=422).json
    assert set(body["errors"]) == {"from", "to", "kind"}
    api.get("/reports/costs", "supervisor", query_string={"from": NOVEMBER["to"], "to": NOVEMBER["from"]},
            expect=422)


def test_a_tickets_internal_report_carries_its_cost(api, tickets):
    cost = api.get(f"/tickets/{tickets['C'].number}/report", "supervisor").json["cost"]
    assert (cost["work"], cost["credits"], cost["total"]) == ("150.00", "205.50", "355.50")
    assert cost["tasks"] == [{"title": "Aprobar línea", "who": "Arturo Aprobador", "role": "Aprobador",
                              "minutes": 30, "entered": False, "hourly": "300.00", "cost": "150.00"}]
