"""Round policy (a ticket's later rounds stay on the versions it started with) and migration of running
tickets to another version (refused when the done part changed or the waiting task is gone)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Ticket, TicketEvent, WorkflowInstance
from app.services.cases import task_service, ticket_service
from app.services.processes import migration, process_service
from tests.conftest import user
from tests.workflow.conftest import DATA, data_file, open_ticket
from tests.workflow.test_deploy import renamed


@pytest.fixture
def versions(app, monkeypatch, complaint_process, request):
    """``deploy(change)``: the scenario as processes of this test alone (``prueba_inicio_<test>``), each call
    a new version of them."""
    suffix = request.node.name.removeprefix("test_")[:12]
    xml = renamed(data_file("scenario.bpmn").decode(), suffix)
    complaint_process(f"prueba_inicio_{suffix}")
    monkeypatch.setitem(app.config, "FORMS_DIR", str(DATA / "forms"))

    def deploy(change=lambda text: text) -> None:
        process_service.deploy_files({f"{suffix}.bpmn": change(xml).encode()})
    deploy.process = f"prueba_inicio_{suffix}"
    return deploy


def without_review(xml: str) -> str:
    """The scenario with its user task "Revisar" deleted: the script goes straight to the end."""
    xml = re.sub(r'\s*<bpmn:userTask id="revisar".*?</bpmn:userTask>', "", xml, flags=re.S)
    xml = re.sub(r'\s*<bpmn:sequenceFlow id="f4"[^>]*/>', "", xml)
    return xml.replace("<bpmn:flowNodeRef>revisar</bpmn:flowNodeRef>", "").replace(
        'targetRef="revisar"', 'targetRef="to_next"')


def titles(ticket) -> list[str]:
    return [t.title for t in ticket_service.open_tasks(db.session.get(Ticket, ticket.id))]


def work(ticket, data=None) -> None:
    [task] = ticket_service.open_tasks(db.session.get(Ticket, ticket.id))
    task_service.complete_task(task.id, data or {}, user("tecnico1"))


def round_versions(ticket) -> list[tuple[str, int]]:
    return [(i.process_version.process_id[:12], i.process_version.version) for i in db.session.scalars(
        select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id).order_by(WorkflowInstance.id))]


def test_later_rounds_stay_on_the_version_the_ticket_started_with(versions):
    versions()
    old = open_ticket()
    work(old)  # Revisar: the first round of prueba_ronda starts
    versions(lambda xml: xml.replace('name="Otra vuelta"', 'name="Otra vuelta (v2)"'))
    new = open_ticket()

    work(old, {"repeat": True})  # a second round, after v2 is live
    assert titles(old) == ["Otra vuelta"]
    assert round_versions(old) == [("prueba_inici", 1), ("prueba_ronda", 1), ("prueba_ronda", 1)]
    work(new)
    assert titles(new) == ["Otra vuelta (v2)"]
    assert round_versions(new)[-1] == ("prueba_ronda", 2)


def test_a_waiting_ticket_moves_and_its_later_rounds_follow(versions):
    versions()
    ticket = open_ticket()
    versions(lambda xml: xml.replace('name="Revisar"', 'name="Revisar con lista"').replace(
        'name="Otra vuelta"', 'name="Otra vuelta (v2)"'))

    report = migration.dry_run(versions.process, 2, None, user("analista"))
    [candidate] = report.candidates
    assert (candidate.ticket_number, candidate.version, candidate.movable) == (ticket.number, 1, True)
    assert candidate.waiting_at == ["Revisar"]

    moved = migration.migrate(versions.process, 2, [ticket.number], user("analista"), reason="Nueva lista")
    assert moved.moved == [ticket.number]
    assert titles(ticket) == ["Revisar con lista"]
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.kind == "process_migrated"))
    assert "de la versión 1 a la versión 2" in event.message
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "process_migrated"))
    assert audit.changes == {"process": versions.process, "version": [1, 2], "reason": "Nueva lista"}

    work(ticket)  # its next round runs the round process deployed with the version it moved to
    assert titles(ticket) == ["Otra vuelta (v2)"]


def test_a_ticket_whose_done_part_changed_or_whose_task_is_gone_stays(versions):
    versions()
    done_changed = open_ticket()
    versions(lambda xml: xml.replace('name="Estado en diagnóstico"', 'name="Estado: diagnóstico"')
             .replace("'diagnosing'", "'open'"))
    [candidate] = migration.dry_run(versions.process, 2, None, user("analista")).candidates
    assert candidate.problems == ["Un paso que ya completó cambió en la versión de destino: Estado en diagnóstico."]

    waiting_gone = open_ticket()  # on v2
    versions(without_review)
    report = migration.migrate(versions.process, 3, [waiting_gone.number], user("analista"))
    [candidate] = report.candidates
    assert report.moved == []
    assert "La tarea en la que espera no existe en la versión de destino: Revisar." in candidate.problems
    assert titles(waiting_gone) == ["Revisar"] and round_versions(waiting_gone) == [("prueba_inici", 2)]
    assert round_versions(done_changed) == [("prueba_inici", 1)]


def test_only_analysts_migrate(versions):
    versions()
    with pytest.raises(Exception) as refused:
        migration.dry_run(versions.process, 1, None, user("supervisor"))
    assert refused.value.status == 403


def test_a_stranded_ticket_moves_to_the_fixed_version_and_its_failed_step_runs_again(versions):
    versions(lambda xml: xml.replace('len(ticket["number"]) * 2', 'int(ticket["description"])'))  # fails on real data
    ticket = open_ticket()
    [instance] = db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))
    assert (instance.status, instance.error_task) == ("error", "script") and titles(ticket) == []

    versions()  # fixed
    report = migration.migrate(versions.process, 2, [ticket.number], user("analista"))
    assert report.moved == [ticket.number]
    db.session.refresh(instance)
    assert (instance.status, instance.process_version.version) == ("running", 2)
    assert titles(ticket) == ["Revisar"]
