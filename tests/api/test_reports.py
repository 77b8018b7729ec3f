"""The periodic review of closed tickets."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import clock
from tests.api.test_lifecycle import close


def test_the_review_summarises_closed_tickets_by_nature(api, open_complaint):
    start = clock.now() - timedelta(hours=1)
    complaint = open_complaint()
    complaint.validate(category="lentitud")
    complaint.diagnose("remota")
    complaint.fix_remotely()
    close(complaint)
    end = clock.now() + timedelta(hours=1)

    review = api.get("/reports/closed-tickets", "supervisor",
                     query_string={"from": start.isoformat(), "to": end.isoformat()}).json
    assert review["overall"]["tickets"] == 1
    assert review["overall"]["mean_survey_score"] == 5
    assert review["overall"]["within_sla_pct"] == 100
    assert [g["key"] for g in review["by_nature"]] == ["lentitud"]
    assert review["tickets"][0]["number"] == complaint.number


def test_the_review_is_for_supervisors_and_needs_a_period(api):
    now = clock.now()
    api.get("/reports/closed-tickets", "tecnico1",
            query_string={"from": now.isoformat(), "to": now.isoformat()}, expect=403)
    body = api.get("/reports/closed-tickets", "supervisor", query_string={}, expect=422).json
    assert set(body["errors"]) == {"from", "to"}


def _section(api, user: str = "supervisor", expect: int = 200, **query):
    return api.get("/reports/dashboard", user, query_string=query, expect=expect).json


def test_the_dashboard_gives_the_hand_worked_figures(api, november):
    body = _section(api, **{"from": "2026-11-01", "to": "2026-11-30", "section": "satisfaction"})
    assert (body["from"], body["to"], body["filters"]) == ("2026-11-01", "2026-11-30", {})
    [satisfaction] = body["sections"]
    assert satisfaction["figures"] == {"closed": 4, "surveys": 3, "response_rate": 75.0, "mean_score": 3.67,
                                       "satisfied_share": 66.7}
    comments = next(t for t in satisfaction["tables"] if t["key"] == "comments")
    assert [row["number"] for row in comments["rows"]] == ["T1", "T2"]
    assert [c["key"] for c in comments["columns"]][:3] == ["number", "closed_at", "score"]
    narrowed = _section(api, **{"from": "2026-11-01", "to": "2026-11-30", "team": "redes"})
    assert narrowed["filters"] == {"team": "redes"}
    assert [s["key"] for s in narrowed["sections"]] == ["volume", "backlog", "times", "sla", "incident_rate",
                                                        "satisfaction"]
    assert narrowed["sections"][0]["figures"]["tickets"] == 1


def test_a_complaint_taken_through_the_process_is_measured(app, api, open_complaint):
    complaint = open_complaint()
    complaint.validate(category="lentitud")
    complaint.diagnose("remota")
    complaint.fix_remotely()
    close(complaint)
    # The dashboard's dates are the office's (between midnight UTC and the office's midnight they differ).
    today = clock.office_today().isoformat()
    times, sla = _section(api, **{"from": today, "to": today})["sections"][2:4]
    assert times["figures"]["resolution_mean_hours"] is not None
    assert [row["tickets"] for row in times["tables"][1]["rows"]][:1] == [1]
    assert sla["figures"]["resolution_compliance"] == 100.0


def test_the_dashboard_period_ends_today_in_the_office_by_default(api):
    clock.freeze(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))  # 20:00 of 4 December in Mexico City
    body = _section(api, section="volume")
    assert (body["from"], body["to"]) == ("2026-11-05", "2026-12-04")


def test_the_dashboard_is_for_supervisors_and_checks_its_filter(api):
    _section(api, "tecnico1", expect=403)
    body = _section(api, expect=422, **{"from": "2026-11-30", "to": "2026-11-01", "priority": "urgente",
                                        "section": "costs"})
    assert set(body["errors"]) == {"priority", "section"}  # the period is checked once the fields are valid
    body = _section(api, expect=422, **{"from": "2026-11-30", "to": "2026-11-01"})
    assert set(body["errors"]) == {"to"}
