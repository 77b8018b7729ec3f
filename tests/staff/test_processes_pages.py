"""The analyst's pages: who may see them, the versions with their changes, the tickets waiting on the diagram,
a test ticket on a chosen version, the modeler's workspace, check, publish and roll back."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CaseKind, ProcessVersion, Ticket, WorkflowInstance
from app.services.processes import process_service
from tests.staff.conftest import open_complaint
from tests.workflow.conftest import data_file

MODELER = "/staff/processes/modeler"


def diagram(suffix: str) -> str:
    """tests/data/workbench.bpmn under its own process id, so a test's versions stay its own."""
    return data_file("workbench.bpmn").decode().replace('"prueba_modelador"', f'"prueba_modelador_{suffix}"')


@pytest.fixture
def complaints_start(app):
    """``complaints_start("x")``: complaints start process ``x`` for one test (the kind's row is put back)."""
    original = db.session.get(CaseKind, "complaint").process_id

    def use(process_id: str) -> None:
        db.session.get(CaseKind, "complaint").process_id = process_id
        db.session.commit()

    yield use
    db.session.rollback()
    use(original)


def post_json(client, path: str, body: dict, expect: int = 200):
    response = client.client.post(path, json=body, headers={"X-CSRFToken": client.token})
    assert response.status_code == expect, (path, response.status_code, response.get_data(True)[:2000])
    return response.get_json()


@pytest.mark.parametrize("username", ["agente", "tecnico1", "supervisor"])
@pytest.mark.parametrize("path", ["/staff/processes", "/staff/processes/queja_reparacion", MODELER,
                                  f"{MODELER}/workspace.json", "/staff/processes/queja_reparacion/versions/1.bpmn"])
def test_only_analysts_and_admins_see_the_processes(staff, username, path):
    page = staff(username).get(path, expect=403).get_data(True)
    assert "Solo los analistas de procesos" in page


def test_others_cannot_check_publish_or_try_a_version(staff):
    agent = staff("agente")
    agent.refresh_token("/staff/tasks")
    refused = post_json(agent, f"{MODELER}/check", {"files": {"x.bpmn": "<x/>"}}, expect=403)
    assert "Solo los analistas de procesos" in refused["message"]
    post_json(agent, f"{MODELER}/publish", {"files": {"x.bpmn": "<x/>"}, "reason": "x"}, expect=403)
    agent.post("/staff/processes/queja_reparacion/test-ticket", {"version": "1", "customer_number": "C-1001"})
    assert db.session.scalar(select(Ticket).where(Ticket.is_test.is_(True))) is None


def test_the_analyst_lands_on_the_processes_page_and_sees_every_process(staff):
    analyst = staff("analista")
    landing = analyst.client.get("/staff/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/staff/processes")
    page = analyst.get("/staff/processes").get_data(True)
    for process_id in ("queja_reparacion", "queja_atencion", "incidencia"):
        assert f"<code>{process_id}</code>" in page
    assert staff("agente").client.get("/staff/").headers["Location"].endswith("/staff/tasks")


def test_admin_sees_them_too(staff):
    assert "Procesos" in staff("admin").get("/staff/processes").get_data(True)


def test_tickets_waiting_at_each_task_of_a_version(staff):
    ticket = open_complaint()
    version = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id)).process_version
    analyst = staff("analista")
    counts = analyst.get(f"/staff/processes/queja_reparacion/versions/{version.version}/waiting.json").get_json()
    assert counts["validar_reporte"]["waiting"] == 1
    page = analyst.get("/staff/processes/queja_reparacion").get_data(True)
    assert "Versiones" in page and "validar_reporte" not in page  # the counts come with the diagram
    xml = analyst.get(f"/staff/processes/queja_reparacion/versions/{version.version}.bpmn").get_data(True)
    assert 'id="validar_reporte"' in xml


def test_a_test_ticket_starts_on_the_chosen_version(staff, complaints_start):
    xml = diagram("wbt")
    process_service.deploy_files({"wbt.bpmn": xml.encode()})
    process_service.deploy_files({"wbt.bpmn": xml.replace('name="Revisar"', 'name="Revisar (v2)"').encode()})
    complaints_start("prueba_modelador_wbt")
    analyst = staff("analista")
    done = analyst.post("/staff/processes/prueba_modelador_wbt/test-ticket",
                        {"version": "1", "customer_number": "C-1001"})
    ticket = db.session.scalar(select(Ticket).where(Ticket.is_test.is_(True)))
    assert done.headers["Location"].endswith(f"/staff/tickets/{ticket.number}")
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))
    assert instance.process_version.version == 1
    assert "prueba" in ticket.description.lower()
    page = analyst.get(done.headers["Location"]).get_data(True)  # an analyst sees the test tickets
    assert ticket.number in page and '<span class="tag tag-internal">Prueba</span>' in page


def test_a_process_no_kind_starts_offers_no_test_ticket(staff):
    analyst = staff("analista")
    assert "Probar una versión" not in analyst.get("/staff/processes/queja_atencion").get_data(True)
    analyst.post("/staff/processes/queja_atencion/test-ticket", {"version": "1", "customer_number": "C-1001"})
    assert db.session.scalar(select(Ticket).where(Ticket.is_test.is_(True))) is None


def test_the_workspace_has_the_live_files_and_the_choices_of_the_panel(staff):
    workspace = staff("analista").get(f"{MODELER}/workspace.json").get_json()
    assert "queja_reparacion.bpmn" in workspace["files"] and "objetivos_sla.dmn" in workspace["files"]
    assert json.loads(workspace["files"]["forms/diagnostico.schema.json"])["type"] == "object"
    catalog = workspace["catalog"]
    set_status = next(o for o in catalog["operations"] if o["name"] == "ticket.set_status")
    assert [p["name"] for p in set_status["parameters"]][:1] == ["status"]
    assert "campo" in [t["code"] for t in catalog["teams"]]
    assert catalog["lanes"]["Supervisor"] == "supervisor"
    assert "diagnostico.schema.json" in catalog["forms"]


def test_the_form_preview_is_drawn_by_our_renderer_or_says_why_not(staff):
    analyst = staff("analista")
    analyst.refresh_token(MODELER)
    schema = {"type": "object", "properties": {"approved": {"type": "boolean", "title": "¿Aprueba la visita?"},
                                               "why": {"type": "string", "title": "Motivo", "maxLength": 500}},
              "required": ["approved"]}
    html = analyst.client.post(f"{MODELER}/form-preview", json={"schema": json.dumps(schema)},
                               headers={"X-CSRFToken": analyst.token}).get_data(True)
    assert "¿Aprueba la visita?" in html and 'type="radio"' in html and "<textarea" in html
    refused = post_json(analyst, f"{MODELER}/form-preview", {"schema": "{not json"}, expect=422)
    assert "JSON" in refused["message"]


def test_check_names_the_element_and_publish_then_roll_back_make_new_versions(staff):
    xml = diagram("wbp")
    process_service.deploy_files({"wbp.bpmn": xml.encode()})
    analyst = staff("analista")
    analyst.refresh_token(MODELER)
    bad = xml.replace("'soporte_n1'", "'equipo_fantasma'")
    report = post_json(analyst, f"{MODELER}/check", {"files": {"wbp.bpmn": bad}})
    assert not report["ok"]
    assert any(p["element"] == "wb_revisar" and "equipo_fantasma" in p["message"] for p in report["problems"])
    refused = post_json(analyst, f"{MODELER}/publish", {"files": {"wbp.bpmn": bad}, "reason": "x"}, expect=422)
    assert any(p["element"] == "wb_revisar" for p in refused["errors"]["problems"])

    good = xml.replace('name="Revisar"', 'name="Revisar con calma"')
    report = post_json(analyst, f"{MODELER}/check", {"files": {"wbp.bpmn": good}})
    assert report["ok"], report
    assert any("Revisar con calma" in line for line in report["changes"])
    published = post_json(analyst, f"{MODELER}/publish", {"files": {"wbp.bpmn": good}, "reason": "Nombre más claro"})
    assert {"process_id": "prueba_modelador_wbp", "version": 2} in [
        {k: r[k] for k in ("process_id", "version")} for r in published["results"] if r["created"]]
    page = analyst.get("/staff/processes/prueba_modelador_wbp").get_data(True)
    assert "Nombre más claro" in page and "Alma Analista" in page and "Revisar con calma" in page

    analyst.post("/staff/processes/prueba_modelador_wbp/rollback", {"version": "1", "reason": "El nombre confundía"})
    latest = db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "prueba_modelador_wbp")
                                .order_by(ProcessVersion.version.desc())).first()
    first = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "prueba_modelador_wbp",
                                                           ProcessVersion.version == 1))
    assert latest.version == 3 and latest.content_hash == first.content_hash
    assert "El nombre confundía" in latest.reason


def test_an_edited_form_is_checked_and_published_with_the_process_that_uses_it(staff):
    analyst = staff("analista")
    analyst.refresh_token(MODELER)
    workspace = analyst.get(f"{MODELER}/workspace.json").get_json()["files"]
    schema = json.loads(workspace["forms/coordinar_visita.schema.json"])
    schema["properties"]["visit_notes"]["title"] = "Indicaciones para llegar"
    edited = {"forms/coordinar_visita.schema.json": json.dumps(schema, ensure_ascii=False)}
    report = post_json(analyst, f"{MODELER}/check", {"files": edited})
    assert report["ok"], report
    assert any("coordinar_visita.schema.json" in line for line in report["changes"])
    broken = {"forms/coordinar_visita.schema.json": '{"type": "object", "properties": {"x": {"type": "nada"}}}'}
    report = post_json(analyst, f"{MODELER}/check", {"files": broken})
    assert [p["file"] for p in report["problems"]] == ["forms/coordinar_visita.schema.json"]
