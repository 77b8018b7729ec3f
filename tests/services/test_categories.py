"""The category taxonomy drives the validation form's choices and the decision tables; deploy refuses a
table or a form naming a category the taxonomy lacks."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Category, HumanTask, Team, Ticket
from app.services.cases import task_service, ticket_service
from app.services.processes import process_service
from app.workflow.deploy import DeployErrors
from tests.conftest import user
from tests.services.conftest import open_complaint, validate

NATURES = ["sin_servicio", "lentitud", "intermitencia", "equipo", "instalacion", "facturacion", "otro"]


def validation_task(ticket: Ticket) -> HumanTask:
    return db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id,
                                                     HumanTask.task_name == "validar_reporte"))


def category_choices(task: HumanTask) -> list[str]:
    return [o["const"] for o in task_service.form_schema(task)["properties"]["category"]["oneOf"]]


def test_the_validation_form_offers_the_active_leaves_of_the_kind(restore_case_data):
    task = validation_task(open_complaint())
    assert category_choices(task) == NATURES
    Category.leaf("instalacion").active = False
    Category.leaf("otro").parent.parent.active = False  # a whole branch: its leaves go with it
    db.session.commit()
    assert category_choices(task) == ["sin_servicio", "lentitud", "intermitencia", "equipo", "facturacion"]
    with pytest.raises(ValidationFailed) as refused:
        task_service.complete_task(task.id, {"valid": True, "category": "instalacion",
                                             "priority_override": "sin_cambio"}, user("agente"))
    assert refused.value.errors == {"category": ["Valor no permitido."]}


def test_priority_and_team_come_from_the_leaf(restore_case_data):
    other = Category.leaf("otro")
    other.default_priority = "alta"
    other.default_team = db.session.scalar(select(Team).where(Team.code == "redes"))
    db.session.commit()
    ticket = validate(open_complaint(), category="otro")
    assert (ticket.priority, ticket.team.code) == ("alta", "redes")
    billing = validate(open_complaint(), category="facturacion")
    assert (billing.priority, billing.team.code) == ("baja", "soporte_n1")


def test_the_exception_left_in_the_assignment_table_still_applies():
    ticket = validate(open_complaint(), category="lentitud")
    assert (ticket.priority, ticket.team.code) == ("media", "soporte_n1")
    urgent = ticket_service.open_complaint(channel="phone", description="Muy lento", actor=None,
                                           customer_number="C-1002", priority="alta")
    urgent = validate(urgent, category="lentitud")
    assert (urgent.priority, urgent.team.code) == ("alta", "redes")


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://x">
  <decision id="prueba_categorias" name="Prueba">
    <decisionTable id="t" hitPolicy="UNIQUE">
      <input id="i1" label="Categoría">
        <inputExpression id="ie1" typeRef="string"><text>ticket["category"]</text></inputExpression>
      </input>
      <output id="o1" label="Equipo" name="team" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="e1"><text>? in ["lentitud", "%s"]</text></inputEntry>
        <outputEntry id="oe1"><text>"redes"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_a_decision_table_naming_an_unknown_category_is_refused():
    with pytest.raises(DeployErrors) as refused:
        process_service.deploy_files({"prueba.dmn": (DMN % "sin_senal").encode()})
    [error] = [e for e in refused.value.all if "categoría" in e.message]
    assert (error.file, error.element) == ("prueba.dmn", "e1")
    assert error.message == "La categoría sin_senal no existe en la taxonomía."
    with pytest.raises(DeployErrors) as refused:  # a table nobody calls: said plainly, never a silent no-op
        process_service.deploy_files({"prueba.dmn": (DMN % "intermitencia").encode()})
    assert [e.message for e in refused.value.all] == [
        "Ningún proceso desplegado usa prueba_categorias: súbalo junto con el diagrama que lo usa."]


def test_a_form_listing_an_unknown_category_or_option_source_is_refused(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "FORMS_DIR", str(tmp_path))
    form = {"type": "object", "properties": {
        "category": {"type": "string", "oneOf": [{"const": "lentitud"}, {"const": "sin_senal"}]},
        "otra": {"type": "string", "x-options": "colores"}}}
    (tmp_path / "f.schema.json").write_text(json.dumps(form), encoding="utf-8")
    with pytest.raises(DeployErrors) as refused:
        process_service.deploy_files({"f.schema.json": json.dumps(form).encode()})
    messages = sorted(e.message for e in refused.value.all if "f.schema.json" not in e.message)
    assert messages == ["La categoría sin_senal no existe en la taxonomía.",
                                                            "x-options desconocido: colores."]


def test_the_form_choices_are_kept_across_transactions_until_the_taxonomy_changes(app):
    from app.services.cases import categories

    def codes():
        return [o["const"] for o in categories.leaf_options("complaint")]

    assert "lentitud" in codes()
    db.session.commit()
    leaf = db.session.scalar(select(Category).where(Category.code == "lentitud"))
    label = leaf.label
    try:
        leaf.active = False
        assert "lentitud" not in codes()  # the transaction's own unflushed edit
        db.session.commit()
        assert "lentitud" not in codes()
        leaf.active, leaf.label = True, "Navegación lenta"
        db.session.commit()
        assert {"const": "lentitud", "title": "Navegación lenta"}.items() <= next(
            o for o in categories.leaf_options("complaint") if o["const"] == "lentitud").items()
    finally:
        leaf.active, leaf.label = True, label
        db.session.commit()
    assert "lentitud" in codes()
