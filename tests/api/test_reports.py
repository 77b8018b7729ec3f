"""The periodic review of closed tickets."""
from __future__ import annotations

from datetime import timedelta

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
