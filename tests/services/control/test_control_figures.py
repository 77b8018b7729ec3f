"""Every control figure against the values worked out by hand on the month of tests/control_month.py."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Category, Team, Ticket
from app.services.cases import kinds
from app.services.control import dashboard
from app.services.control.filters import ControlFilter
from tests.conftest import user
from tests.control_month import NOVEMBER, NOW


def figures(flt: ControlFilter = NOVEMBER) -> dict:
    sections = dashboard.dashboard(flt, user("supervisor"), now=NOW)
    return {s.key: {"figures": s.figures, **{t.key: t.rows for t in s.tables}} for s in sections}


def test_the_clock_measures_business_time_without_weekends_holidays_or_pauses(november):
    measured = {t.number: (t.response_seconds, t.resolution_seconds) for t in db.session.scalars(select(Ticket))}
    assert measured == {"T1": (5400, 25200), "T2": (3600, 61200), "T3": (10800, 25200), "T4": (1800, None),
                        "T5": (None, None), "T6": (10800, 18000), "T7": (3600, 18000), "T8": (None, None),
                        "T9": (None, None)}


def test_counts_by_classification_priority_channel_and_level(november):
    volume = figures()["volume"]
    assert volume["figures"] == {"tickets": 8, "resolved": 4, "reopened": 1, "reopen_rate": 25.0}
    high, medium, low = (kinds.priority_labels()[p] for p in ("alta", "media", "baja"))
    assert [(r["priority"], r["tickets"], r["share"]) for r in volume["by_priority"]] == [
        (high, 3, 37.5), (medium, 2, 25.0), (low, 1, 12.5), ("Sin prioridad", 2, 25.0)]
    channels = kinds.channel_labels()
    assert [(r["channel"], r["tickets"], r["share"]) for r in volume["by_channel"]] == [
        (channels["phone"], 3, 37.5), (channels["email"], 2, 25.0), (channels["portal"], 2, 25.0),
        (channels["social"], 1, 12.5)]
    assert [(r["tickets"], r["share"]) for r in volume["escalations"]] == [(5, 62.5), (1, 12.5), (2, 25.0)]
    by_category = {(r["kind"], r["category"].rsplit(" › ", 1)[-1]): (r["alta"], r["media"], r["baja"], r["none"],
                                                                       r["total"]) for r in volume["by_category"]}
    assert by_category == {
        ("Queja", "Sin servicio"): (1, 0, 0, 0, 1), ("Queja", "Lentitud en la conexión"): (0, 1, 0, 0, 1),
        ("Incidencia", "Sin señal o sin datos móviles"): (1, 0, 0, 0, 1),
        ("Incidencia", "Falla del módem, router u otro equipo"): (0, 1, 0, 0, 1),
        ("Reclamación", "sin clasificar"): (0, 0, 1, 0, 1),
        ("Insistencia", "Respuesta fuera de plazo"): (1, 0, 0, 0, 1), ("Queja", "sin clasificar"): (0, 0, 0, 2, 2)}


def test_the_backlog_is_what_is_open_now_by_age(november):
    backlog = figures()["backlog"]
    assert backlog["figures"] == {"open": 3, "oldest_days": 12.1}
    assert [r["tickets"] for r in backlog["backlog"]] == [1, 0, 0, 2, 0]


def test_times_are_nearest_rank_percentiles_of_business_hours(november):
    times = figures()["times"]
    assert times["figures"] == {"response_median_hours": 1.5, "response_p90_hours": 3.0, "response_mean_hours": 1.8,
                                "resolution_median_hours": 7.0, "resolution_p90_hours": 17.0,
                                "resolution_mean_hours": 9.0}
    rows = lambda key: [(r["tickets"], r["median_hours"], r["p90_hours"], r["mean_hours"])  # noqa: E731
                        for r in times[key]]
    assert rows("response_times") == [(5, 1.5, 3.0, 1.8), (3, 3.0, 3.0, 2.5), (2, 0.5, 1.0, 0.75)]
    assert rows("resolution_times") == [(4, 7.0, 17.0, 9.0), (3, 7.0, 7.0, 6.33), (1, 17.0, 17.0, 17.0)]


def test_sla_compliance_and_the_breaches(november):
    sla = figures()["sla"]
    assert sla["figures"] == {"response_compliance": 60.0, "resolution_compliance": 60.0}
    assert [(r["met"], r["breached"]) for r in sla["sla"]] == [(3, 2), (3, 2)]
    assert [(r["number"], r["breached"]) for r in sla["breaches"]] == [
        ("T2", "resolución"), ("T3", "respuesta"), ("T4", "resolución"), ("T6", "respuesta")]


def test_satisfaction(november):
    csat = figures()["satisfaction"]
    assert csat["figures"] == {"closed": 4, "surveys": 3, "response_rate": 75.0, "mean_score": 3.67,
                               "satisfied_share": 66.7}
    assert [(r["score"], r["surveys"], r["share"]) for r in csat["csat"]] == [
        (1, 0, 0.0), (2, 1, 33.3), (3, 0, 0.0), (4, 1, 33.3), (5, 1, 33.3)]
    teams = dict(db.session.execute(select(Team.code, Team.name)).all())
    assert [(r["group"], r["surveys"], r["mean_score"]) for r in csat["csat_by_team"]] == [
        (teams["soporte_n1"], 2, 3.5), (teams["redes"], 1, 4.0)]
    assert [(r["group"].rsplit(" › ", 1)[-1], r["mean_score"]) for r in csat["csat_by_category"]] == [
        ("Lentitud en la conexión", 2.0), ("Sin señal o sin datos móviles", 4.0), ("Sin servicio", 5.0)]
    assert [(r["number"], r["score"], r["comment"]) for r in csat["comments"]] == [
        ("T1", 5, "Excelente"), ("T2", 2, "Tardaron mucho")]


def test_incidents_per_thousand_active_customers(november):
    rate = figures(ControlFilter(start=date(2026, 10, 1), end=date(2026, 11, 30)))["incident_rate"]
    assert [(r["month"], r["incidents"], r["active_customers"], r["per_thousand"]) for r in rate["incident_rate"]] == [
        ("2026-10", 1, 2, 500.0), ("2026-11", 2, 3, 666.67)]
    assert rate["figures"] == {"incidents": 3, "active_customers": 3, "per_thousand": 1000.0}
    november_rate = figures()["incident_rate"]
    assert [(r["group"], r["incidents"], r["active_customers"], r["per_thousand"])
            for r in november_rate["incident_rate_service"]] == [("hogar", 1, 2, 500.0), ("negocio", 1, 1, 1000.0)]
    assert [(r["group"], r["incidents"], r["active_customers"], r["per_thousand"])
            for r in november_rate["incident_rate_zone"]] == [("Norte", 1, 2, 500.0), ("Sur", 1, 1, 1000.0)]


@pytest.mark.parametrize(("narrowing", "numbers"), [
    ({"team": "redes"}, {"T3"}), ({"segment": "pyme"}, {"T3", "T6"}), ({"technician": "tecnico1"}, {"T1"}),
    ({"kind": "incident"}, {"T3", "T4"}), ({"channel": "email"}, {"T4", "T9"}), ({"priority": "media"}, {"T2", "T4"}),
    ({"zone": "Norte", "service": "hogar"}, {"T1", "T2", "T4", "T5", "T8", "T9"}),
])
def test_every_filter_narrows_every_section(november, narrowing, numbers):
    flt = ControlFilter(start=NOVEMBER.start, end=NOVEMBER.end, **narrowing)
    assert figures(flt)["volume"]["figures"]["tickets"] == len(numbers)
    assert {r["number"] for r in figures(flt)["sla"]["breaches"]} == {"T2", "T3", "T4", "T6"} & numbers


def test_a_category_of_any_level_takes_its_leaves(november):
    mobile = db.session.scalar(select(Category.code).where(Category.label == "Dispositivos móviles",
                                                            Category.level == 1))
    flt = ControlFilter(start=NOVEMBER.start, end=NOVEMBER.end, category=mobile)
    assert figures(flt)["volume"]["figures"]["tickets"] == 1


def test_each_section_builds_the_tables_the_exports_look_up(november):
    sections = dashboard.dashboard(NOVEMBER, user("supervisor"), now=NOW)
    assert {s.key: tuple(t.key for t in s.tables) for s in sections} == dashboard.TABLES
    assert [r["number"] for r in dashboard.table(NOVEMBER, "breaches", user("supervisor"), now=NOW).rows] == [
        "T2", "T3", "T4", "T6"]
