"""Migration of running tickets through the API and the analysts' page."""
from __future__ import annotations

import pytest

from app.services.processes import process_service
from tests.staff.conftest import staff  # noqa: F401 - fixture
from tests.workflow.conftest import DATA, complaint_process, data_file, open_ticket  # noqa: F401 - fixture
from tests.workflow.test_deploy import renamed


@pytest.fixture
def two_versions(app, monkeypatch, complaint_process):  # noqa: F811
    xml = renamed(data_file("scenario.bpmn").decode(), "mig_api")
    complaint_process("prueba_inicio_mig_api")
    monkeypatch.setitem(app.config, "FORMS_DIR", str(DATA / "forms"))
    process_service.deploy_files({"mig_api.bpmn": xml.encode()})
    ticket = open_ticket()
    process_service.deploy_files({"mig_api.bpmn": xml.replace('name="Revisar"', 'name="Revisar (v2)"').encode()})
    return ticket


def test_a_dry_run_then_the_move(api, two_versions):
    path = "/processes/prueba_inicio_mig_api/migrations"
    report = api.post(path, "analista", json={"version": 2}).json
    assert (report["movable"], report["moved"]) == (1, [])
    assert report["candidates"][0]["waiting_at"] == ["Revisar"]

    moved = api.post(path, "analista", json={"version": 2, "tickets": [two_versions.number], "dry_run": False,
                                             "reason": "Nombre nuevo"}).json
    assert moved["moved"] == [two_versions.number]
    assert api.post(path, "analista", json={"version": 2}).json["candidates"] == []  # nothing left to move

    api.post(path, "analista", json={"version": 9}, expect=404)
    api.post(path, "supervisor", json={"version": 2}, expect=403)
    api.post(path, "analista", json={"version": 2, "tickets": []}, expect=422)


def test_the_page_checks_then_moves(app, staff, two_versions):  # noqa: F811
    analyst = staff("analista")
    page = analyst.post("/staff/processes/prueba_inicio_mig_api/migrate", {"version": "2", "action": "check"},
                        expect=200).get_data(True)
    assert "1 ticket puede moverse a la versión 2" in page and two_versions.number in page
    page = analyst.post("/staff/processes/prueba_inicio_mig_api/migrate",
                        {"version": "2", "action": "migrate", "tickets": two_versions.number},
                        expect=200).get_data(True)
    assert "1 ticket movido a la versión 2" in page
    refused = analyst.post("/staff/processes/prueba_inicio_mig_api/migrate", {"version": ""}, expect=422)
    assert "Elija la versión" in refused.get_data(True)
