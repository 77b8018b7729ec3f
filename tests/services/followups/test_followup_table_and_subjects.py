"""The decision table on every combination of its inputs, the subjects' typification (presencial recorded
as e-mail) and a non-customer's "gestión de cobranza"."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lxml import etree

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Customer, FollowUp, HumanTask
from app.services.followups import filing, subjects
from app.workflow import decisions
from tests.conftest import user
from tests.services.followups.conftest import HOGAR, fresh

DMN = Path(__file__).resolve().parents[3] / "processes" / "insistencia.dmn"
NS = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


def test_the_table_has_exactly_the_inputs_and_outputs_of_the_issue_and_first_hit_policy():
    tree = etree.parse(str(DMN))
    assert tree.find(".//d:decision", NS).get("id") == "resultado_insistencia"
    assert tree.find(".//d:decisionTable", NS).get("hitPolicy") == "FIRST"
    inputs = [e.text for e in tree.findall(".//d:inputExpression/d:text", NS)]
    assert inputs == ["initial_answered", "initial_overdue", "customer_disagrees", "followup", "followup_overdue",
                      "self_service_line"]
    assert [o.get("name") for o in tree.findall(".//d:output", NS)] == ["action"]


COMBINATIONS = [dict(zip(("initial_answered", "initial_overdue", "customer_disagrees", "followup",
                          "followup_overdue", "self_service_line"), values, strict=True))
                for values in itertools.product((False, True), (False, True), (False, True),
                                                ("none", "open", "answered"), (False, True), (False, True))]


@pytest.mark.parametrize("inputs", COMBINATIONS, ids=lambda i: "-".join(str(v)[0] for v in i.values()))
def test_every_combination_has_a_sensible_result(inputs):
    action = decisions.decide_deployed("resultado_insistencia", inputs)["action"]
    if inputs["followup"] != "none":  # results 5 to 8 (and the answered follow-up read out)
        assert action in ("tell_deadline", "tell_answer", "escalate_supervisor")
    if action.startswith("customer_files"):
        assert inputs["self_service_line"]
    if action.startswith("create_"):
        assert not inputs["self_service_line"]
    if action.endswith("disagreement_ticket") or action == "customer_files_disagreement":
        assert inputs["initial_answered"] and inputs["customer_disagrees"]
    if action == "tell_answer":
        assert inputs["initial_answered"] or inputs["followup"] == "answered"


def test_presencial_is_recorded_as_e_mail_and_an_unauthorized_channel_is_refused():
    subject = subjects.get("gestion_cobranza")
    assert subjects.recorded_channel(subject, "in_person") == "email"
    with pytest.raises(ValidationFailed) as err:
        subjects.recorded_channel(subject, "portal")
    assert "canal" in err.value.errors["channel"][0]


def test_a_non_customer_reports_debt_mail_for_someone_else():
    report = filing.Report(subject="gestion_cobranza", channel="in_person", details={
        "nombre": "Rosa Núñez", "telefono": "4497778899", "email": "rosa@example.com",
        "descripcion": "Me llegan correos de cobranza de un tal Pedro Ruiz; no soy cliente."})
    ticket = fresh(filing.report(report, user("agente")))
    record = db.session.get(FollowUp, ticket.id)
    assert ticket.channel == "email" and record.reported_channel == "in_person"
    assert ticket.customer.name == "Rosa Núñez" and ticket.customer.service_line is None
    assert record.earlier_ticket_id is None and record.subject_code == "gestion_cobranza"
    # The seed's typification: Medidor / Cobranza / Gestión de cobranza, Gestión de Clientes, Alta, Reclamo.
    assert ticket.category == "gestion_cobranza" and ticket.team.code == "gestion_clientes"
    assert ticket.priority == "alta" and record.subject.document_class == "Reclamo"
    assert record.details["descripcion"].startswith("Me llegan correos")
    task = db.session.query(HumanTask).filter_by(ticket_id=ticket.id, status="ready").one()
    assert task.task_name == "responder_insistencia" and task.candidate_team == "gestion_clientes"


def test_a_subject_only_for_customers_needs_a_customer_and_its_fields():
    with pytest.raises(ValidationFailed) as err:
        filing.report(filing.Report(subject="demora_habilitacion", channel="phone", details={"nombre": "X"}),
                      user("agente"))
    assert "telefono" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        filing.report(filing.Report(subject="demora_habilitacion", channel="phone", details={
            "nombre": "X", "telefono": "4491234567", "fecha_contratacion": "2026-02-01",
            "direccion_instalacion": "Calle 1", "descripcion": "No han venido a instalar."}), user("agente"))
    assert "customer_number" in err.value.errors
    assert db.session.query(Customer).filter_by(name="X").count() == 0
    ticket = filing.report(filing.Report(subject="demora_habilitacion", channel="phone", customer_number=HOGAR,
                                         details={"nombre": "María López", "telefono": "4491000001",
                                                  "fecha_contratacion": "2026-02-01",
                                                  "direccion_instalacion": "Av. Universidad 100",
                                                  "descripcion": "No han venido a instalar."}), user("agente"))
    assert fresh(ticket).team.code == "campo"
