"""Procedure compliance: the event log written as instances move, exported, and replayed on the diagram."""
from __future__ import annotations

import csv
import io

import pytest
from lxml import etree
from sqlalchemy import delete, select

from app.errors import Forbidden
from app.extensions import db
from app.models import ProcessStep, ProcessVersion, WorkflowInstance
from app.services.control import process_mining
from tests.api.conftest import api, open_complaint  # noqa: F401 - fixtures
from tests.api.test_lifecycle import close
from tests.conftest import user

# The remote path of the attention process, as its diagram names the tasks (queja_atencion).
REMOTE_PATH = ["Informar diagnóstico en curso", "Diagnóstico", "Informar reparación en curso", "Intervención remota",
               "Registrar pruebas en curso", "Pruebas de funcionalidad", "Solicitar confirmación",
               "Confirmar resolución", "Marcar como resuelto", "Registrar resolución en el CRM",
               "Encuesta de satisfacción", "Generar informe de cierre", "Registrar cierre en el CRM"]


@pytest.fixture
def two_closed(open_complaint):  # noqa: F811
    numbers = []
    for _ in range(2):
        complaint = open_complaint()
        complaint.validate(category="lentitud")
        complaint.diagnose("remota")
        complaint.fix_remotely()
        close(complaint)
        numbers.append(complaint.number)
    return numbers


def _attention_instances() -> list[int]:
    version = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "queja_atencion")
                                .order_by(ProcessVersion.version.desc()).limit(1))
    return list(db.session.scalars(select(WorkflowInstance.id).where(
        WorkflowInstance.process_version_id == version.id).order_by(WorkflowInstance.id)))


def _activities(instance_id: int) -> list[str]:
    return list(db.session.scalars(select(ProcessStep.activity).where(ProcessStep.instance_id == instance_id)
                                   .order_by(ProcessStep.position)))


def test_every_completed_task_is_logged_in_order_with_who_did_it(app, two_closed):
    first = _attention_instances()[0]
    assert _activities(first) == REMOTE_PATH
    diagnosis = db.session.scalar(select(ProcessStep).where(ProcessStep.instance_id == first,
                                                            ProcessStep.activity == "Diagnóstico"))
    assert diagnosis.resource_id is not None and diagnosis.ready_at <= diagnosis.completed_at
    crm = db.session.scalar(select(ProcessStep).where(ProcessStep.instance_id == first,
                                                      ProcessStep.activity == "Registrar cierre en el CRM"))
    assert crm.resource_id is None and crm.ready_at is None  # the system's step


def test_the_log_exports_as_csv_and_xes(app, two_closed):
    lines = "".join(process_mining.export_csv(process_mining.LogQuery(), user("supervisor")))
    rows = list(csv.DictReader(io.StringIO(lines)))
    assert {r["case:concept:name"] for r in rows} == set(two_closed)
    assert [r["concept:name"] for r in rows if r["case:concept:name"] == two_closed[0]
            and r["process"] == "queja_atencion"] == REMOTE_PATH

    xes = etree.fromstring(process_mining.export_xes(process_mining.LogQuery(process_id="queja_atencion"),
                                                     user("analista")))
    traces = xes.findall("{http://www.xes-standard.org/}trace")
    assert len(traces) == 2 and all(len(t.findall("{http://www.xes-standard.org/}event")) == 13 for t in traces)


def test_conformance_finds_the_skipped_step_and_the_rework(app, two_closed):
    query = process_mining.LogQuery(process_id="queja_atencion")
    clean = process_mining.conformance(query, user("supervisor"))
    assert (clean.cases, clean.fitting_cases, clean.log_fitness) == (2, 2, 1.0)
    assert clean.deviations == [] and [(v.cases, v.fits) for v in clean.variants] == [(2, True)]

    skipped, reworked = _attention_instances()
    db.session.execute(delete(ProcessStep).where(ProcessStep.instance_id == skipped,
                                                 ProcessStep.activity == "Pruebas de funcionalidad"))
    again = db.session.scalar(select(ProcessStep).where(ProcessStep.instance_id == reworked,
                                                        ProcessStep.activity == "Intervención remota"))
    db.session.add(ProcessStep(ticket_id=again.ticket_id, instance_id=reworked,
                               process_version_id=again.process_version_id, element_id=again.element_id,
                               activity=again.activity, element_type=again.element_type, lane=again.lane,
                               completed_at=again.completed_at, position=again.position))
    db.session.commit()

    report = process_mining.conformance(query, user("supervisor"))
    assert (report.cases, report.fitting_cases, report.fitting_pct) == (2, 0, 0.0)
    assert report.log_fitness < 1
    found = {(d.kind, d.activity): d.cases for d in report.deviations}
    assert found[("skipped", "Pruebas de funcionalidad")] == 1
    assert found[("rework", "Intervención remota")] == 1
    assert found[("unexpected", "Intervención remota")] == 1
    assert sorted(v.cases for v in report.variants) == [1, 1]
    assert {(d.source, d.target) for d in report.durations} >= {("Diagnóstico", "Informar reparación en curso")}


def test_compliance_is_for_supervisors_and_analysts(app):
    with pytest.raises(Forbidden):
        process_mining.conformance(process_mining.LogQuery(process_id="queja_atencion"), user("tecnico1"))
