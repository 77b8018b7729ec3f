"""Forms are versioned with their process: a running ticket renders and validates the form of the version it
runs on, whatever forms/ says later; a new ticket gets the new form."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.errors import ValidationFailed
from app.extensions import db
from app.models import HumanTask, ProcessVersion, Ticket
from app.services.cases import task_service, ticket_service
from app.services.processes import forms, process_service
from tests.conftest import user
from tests.workflow.conftest import data_file, open_ticket
from tests.workflow.test_deploy import renamed

FORM = json.loads(data_file("forms/prueba_otra.schema.json"))


def ready(ticket) -> list[HumanTask]:
    return ticket_service.open_tasks(db.session.get(Ticket, ticket.id))


def at_the_form_task(ticket) -> HumanTask:
    task_service.complete_task(ready(ticket)[0].id, {}, user("tecnico1"))  # "Revisar": no form
    [task] = ready(ticket)
    assert task.task_name == "otra"
    return task


@pytest.fixture
def forms_dir(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "FORMS_DIR", str(tmp_path))
    (tmp_path / "prueba_otra.schema.json").write_text(json.dumps(FORM), encoding="utf-8")
    return tmp_path


def test_a_running_ticket_keeps_its_form_after_the_form_changes(forms_dir, complaint_process):
    xml = renamed(data_file("scenario.bpmn").decode(), "formv").encode()
    complaint_process("prueba_inicio_formv")
    [v1] = [r for r in process_service.deploy_files({"formv.bpmn": xml}) if r.process_id == "prueba_ronda_formv"]
    old = at_the_form_task(open_ticket())

    changed = {**FORM, "properties": {**FORM["properties"], "motivo": {"type": "string", "title": "Motivo"}},
               "required": ["repeat", "motivo"]}
    (forms_dir / "prueba_otra.schema.json").write_text(json.dumps(changed), encoding="utf-8")
    [v2] = [r for r in process_service.deploy_files({"formv.bpmn": xml}) if r.process_id == "prueba_ronda_formv"]
    assert (v1.version, v2.version, v2.created) == (1, 2, True)  # the form alone made a new version
    new = at_the_form_task(open_ticket())

    assert "motivo" not in task_service.form_schema(old)["properties"]
    assert "motivo" in task_service.form_schema(new)["properties"]
    with pytest.raises(ValidationFailed) as refused:
        task_service.complete_task(new.id, {"repeat": False}, user("tecnico1"))
    assert "motivo" in refused.value.errors
    task_service.complete_task(old.id, {"repeat": False}, user("tecnico1"))  # valid on its own version


def test_an_edited_form_file_is_read_again_without_a_restart(app, forms_dir):
    assert "motivo" not in forms.load_schema("prueba_otra.schema.json")["properties"]
    changed = {**FORM, "properties": {**FORM["properties"], "motivo": {"type": "string"}}}
    (forms_dir / "prueba_otra.schema.json").write_text(json.dumps(changed), encoding="utf-8")
    assert "motivo" in forms.load_schema("prueba_otra.schema.json")["properties"]


def test_the_shipped_forms_are_stored_with_their_versions(app):
    version = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "queja_reparacion")
                                .order_by(ProcessVersion.version.desc()).options(undefer(ProcessVersion.forms)))
    assert "validar_reporte.schema.json" in version.forms
