"""Supervisors see the instances a failing service task stopped, and retry them once the cause is fixed."""
from __future__ import annotations

import pytest

from handlers.registry import SERVICE_TASKS


@pytest.fixture
def crm_down(monkeypatch):
    """The CRM fails until the test sets ``state["down"] = False``."""
    state = {"down": True}
    record = SERVICE_TASKS["crm.record_interaction"]

    def flaky(ctx, **params):
        if state["down"]:
            raise ConnectionError("CRM caído")
        return record(ctx, **params)

    monkeypatch.setitem(SERVICE_TASKS, "crm.record_interaction", flaky)
    return state


def test_a_failed_workflow_is_listed_and_retried_by_a_supervisor(api, open_complaint, crm_down):
    complaint = open_complaint()
    complaint.validate()  # the agent's task completes; the CRM step after it fails
    (failed,) = api.get("/workflows/failed", "supervisor").json["instances"]
    assert failed["ticket"] == complaint.number and failed["status"] == "error"
    assert failed["process_id"] == "queja_reparacion" and failed["error_task"] == "crm_registrar"
    assert "CRM caído" in failed["error_message"]
    assert "workflow_failed" in [e["kind"] for e in complaint.ticket["timeline"]]

    crm_down["down"] = False
    api.post(f"/workflows/{failed['id']}/retry", "tecnico1", expect=403)
    retried = api.post(f"/workflows/{failed['id']}/retry", "supervisor").json
    assert retried["status"] == "completed" and retried["error_message"] is None
    assert api.get("/workflows/failed", "supervisor").json == {"instances": []}
    assert complaint.status == "diagnosing" and complaint.open_titles() == ["Diagnóstico"]
    api.post(f"/workflows/{failed['id']}/retry", "supervisor", expect=409)


def test_retrying_an_unknown_instance_is_404(api):
    api.post("/workflows/999999/retry", "supervisor", expect=404)


def test_only_supervisors_list_failed_workflows(api):
    api.get("/workflows/failed", "tecnico1", expect=403)
