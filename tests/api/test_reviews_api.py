"""The periodic review and the internal report through the API, on a complaint closed end to end."""
from __future__ import annotations

from tests.api.test_lifecycle import close
from tests.services.control.review_data import closed_ticket, local


def test_the_internal_report_of_a_ticket_closed_through_its_lifecycle(api, open_complaint):
    complaint = open_complaint()
    complaint.validate(category="lentitud")
    complaint.diagnose("remota")
    complaint.fix_remotely()
    api.get(f"/tickets/{complaint.number}/report", "supervisor", expect=409)
    close(complaint)

    report = api.get(f"/tickets/{complaint.number}/report", "supervisor").json
    assert (report["number"], report["category"], report["survey_score"]) == (complaint.number, "lentitud", 5)
    assert report["within_sla"] is True and report["rounds"] >= 1
    assert "task_completed" in [step["kind"] for step in report["steps"]]
    api.get(f"/tickets/{complaint.number}/report", "campo1", expect=404)


def test_reviews_are_run_listed_and_decided(api):
    for day in (23, 24, 25):
        closed_ticket("Sin internet, el módem parpadea en rojo", local(2026, 11, day, 12), equipment=("ZTE", "F660"))
    run = api.post("/reviews", "supervisor", json={"from": "2026-11-23", "to": "2026-11-29"}, expect=201).json
    assert run["tickets_reviewed"] == 3 and len(run["problems"]) == 1
    api.post("/reviews", "supervisor", json={"from": "2026-11-23", "to": "2026-11-29"}, expect=409)
    api.post("/reviews", "tecnico1", json={"from": "2026-11-01", "to": "2026-11-07"}, expect=403)

    problem = run["problems"][0]
    path = f"/reviews/{run['id']}/problems/{problem['id']}"
    refused = api.post(path, "supervisor", json={"decision": "pattern"}, expect=422).json
    assert set(refused["errors"]) == {"improvement_action", "owner", "due_on"}
    decided = api.post(path, "supervisor", json={"decision": "pattern", "improvement_action": "Cambiar firmware",
                                                 "owner": "redes1", "due_on": "2026-12-18"}).json
    assert (decided["decision"], decided["owner"], decided["due_on"]) == ("pattern", "redes1", "2026-12-18")
    api.post(f"/reviews/{run['id'] + 1}/problems/{problem['id']}", "supervisor",
             json={"decision": "dismissed"}, expect=404)

    history = api.get("/reviews", "supervisor").json
    assert [(r["run"]["from"], r["patterns"]) for r in history["runs"]] == [("2026-11-23", 1)]
