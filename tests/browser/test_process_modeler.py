"""The analyst adds a supervisor's approval before the visit in the browser's modeler, with its new form,
checks and publishes: a new complaint then reaches the approval, while a complaint already running finishes on
the version it started with (its visit is coordinated without approval)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import task_service
from app.services.demo_service import DEMO_PASSWORD
from app.services.processes import process_service
from tests.browser.conftest import read
from tests.staff.conftest import open_complaint, validate

ROOT = Path(__file__).resolve().parents[2]
APPROVAL_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Aprobar la visita", "type": "object",
    "properties": {"visit_approved": {"type": "boolean", "title": "¿Aprueba la visita?"},
                   "approval_note": {"type": "string", "title": "Comentario", "maxLength": 500}},
    "required": ["visit_approved"], "additionalProperties": False}
# Draw the approval in the Supervisor lane, between the diagnosis' "Visita" branch and "Coordinar visita".
DRAW_APPROVAL = """(modeler) => {
  const registry = modeler.get('elementRegistry'), modeling = modeler.get('modeling');
  const pool = registry.get('pool_atencion'), visit = registry.get('coordinar_visita');
  const task = modeling.createShape({ type: 'bpmn:UserTask' }, { x: 700, y: 1460 }, pool);
  modeling.reconnectEnd(registry.get('fa_gw_visita'), task, { x: 700, y: 1420 });
  modeling.connect(task, visit);
  modeler.get('selection').select(task);
  return task.id;
}"""


@pytest.fixture
def live_processes_restored(app):
    """The test publishes a new complaint process: publish the repository's files again afterwards."""
    yield
    db.session.rollback()
    files = [ROOT / "processes" / "queja_reparacion.bpmn", *(ROOT / "processes").glob("*.dmn")]
    process_service.deploy_files({path.name: path.read_bytes() for path in files})


def ready(ticket_id: int) -> list[HumanTask]:
    return read(lambda: list(db.session.scalars(select(HumanTask).where(
        HumanTask.ticket_id == ticket_id, HumanTask.status == "ready"))))


def diagnose_for_a_visit(ticket_id: int) -> None:
    [diagnosis] = [t for t in ready(ticket_id) if t.task_name == "diagnostico"]
    task_service.complete_task(diagnosis.id, {"diagnosis": "Fuente dañada", "outcome": "visita"},
                               db.session.get(Ticket, ticket_id).assignee)
    db.session.rollback()


def new_complaint_at_diagnosis() -> int:
    ticket = open_complaint()
    validate(ticket, category="equipo")
    ticket_id = ticket.id
    db.session.rollback()
    return ticket_id


def test_approval_before_the_visit_drawn_checked_and_published(browser, live_server, shot, live_processes_restored):
    running = new_complaint_at_diagnosis()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="es-MX").new_page()
    page.on("dialog", lambda dialog: dialog.accept("aprobar_visita"))
    page.goto(f"{live_server}/staff/login")
    page.get_by_label("Usuario").fill("analista")
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server}/staff/processes")
    page.get_by_role("link", name="queja_reparacion.bpmn").first.click()
    page.wait_for_selector("#modeler.ready")

    page.get_by_role("button", name="Formulario nuevo").click()
    page.get_by_label("JSON Schema del formulario").fill(json.dumps(APPROVAL_FORM, ensure_ascii=False, indent=2))
    page.locator("#modeler-form-preview").get_by_text("¿Aprueba la visita?").wait_for()
    shot(page, "modeler-01-form")

    page.get_by_label("Archivo", exact=True).select_option("queja_reparacion.bpmn")
    page.wait_for_selector(".djs-element[data-element-id=coordinar_visita]")
    task_id = page.evaluate(f"({DRAW_APPROVAL})(document.getElementById('modeler').bpmnModeler())")
    panel = page.locator("#modeler-properties")
    panel.get_by_text(task_id).wait_for()
    panel.get_by_label("Nombre", exact=True).fill("Aprobar visita")
    panel.get_by_label("Nombre", exact=True).press("Tab")
    panel.get_by_label("Formulario", exact=True).select_option("aprobar_visita.schema.json")
    panel.get_by_label("Instrucciones para quien atiende la tarea").fill(
        "Revise el diagnóstico ({{ diagnosis }}) y apruebe o no la visita.")
    panel.get_by_label("Instrucciones para quien atiende la tarea").press("Tab")
    assert "Rol que la atiende: supervisor" in panel.inner_text()
    shot(page, "modeler-02-approval")

    page.get_by_role("button", name="Comprobar").click()
    report = page.locator("#modeler-report")
    report.locator("p, ul").first.wait_for()
    shot(page, "modeler-02b-report")
    assert "No se encontraron problemas." in report.inner_text(), report.inner_text()
    assert "Aprobar visita" in report.inner_text()
    page.get_by_label("Motivo del cambio").fill("El supervisor aprueba cada visita antes de coordinarla")
    page.get_by_role("button", name="Publicar").click()
    page.locator("#modeler-published").get_by_text("queja_atencion v").wait_for()
    shot(page, "modeler-03-published")

    diagnose_for_a_visit(running)  # started before: its instance finishes on the old version
    assert [t.task_name for t in ready(running)] == ["coordinar_visita"]
    fresh = new_complaint_at_diagnosis()
    diagnose_for_a_visit(fresh)
    [approval] = ready(fresh)
    assert (approval.task_name, approval.title, approval.lane) == (task_id, "Aprobar visita", "Supervisor")
    assert approval.form == "aprobar_visita.schema.json"

    # The processes page: the new version with who, why and what changed; the old one with its waiting ticket.
    page.goto(f"{live_server}/staff/processes/queja_atencion?version=1")
    page.locator(".bpmn.drawn").wait_for()
    badge = page.locator(".djs-overlay .count-waiting")
    assert badge.count() >= 1 and "esperan aquí" in badge.first.get_attribute("title")
    versions = page.locator("table.versions").inner_text()
    assert "Alma Analista" in versions and "El supervisor aprueba cada visita" in versions
    assert "Aprobar visita" in versions and "aprobar_visita.schema.json" in versions
    shot(page, "modeler-04-versions")
