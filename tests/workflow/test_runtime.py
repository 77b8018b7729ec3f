"""The runtime: chained instances, versions, failing service tasks, atomic advances."""
from __future__ import annotations

import logging
import re
from collections import Counter
from functools import wraps

import pytest
from sqlalchemy import func, select

from app import clock, signals
from app.errors import Conflict
from app.extensions import db
from app.models import HumanTask, OutboxMessage, Ticket, TicketEvent, WorkflowInstance
from app.services.cases import task_service, ticket_service, workflow_service
from app.services.processes import process_service
from handlers.registry import SERVICE_TASKS
from tests.conftest import user
from tests.workflow.conftest import DATA, data_file, open_ticket
from tests.workflow.test_deploy import renamed


def ready(ticket) -> list[HumanTask]:
    return ticket_service.open_tasks(db.session.get(Ticket, ticket.id))


def instances(ticket) -> list[WorkflowInstance]:
    query = select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id)
    return list(db.session.scalars(query.order_by(WorkflowInstance.id)))


def test_a_round_is_a_new_small_instance_and_finished_ones_keep_only_their_trace(scenario):
    ticket = open_ticket()
    technician = user("tecnico1")
    [review] = ready(ticket)
    assert (review.title, review.lane, review.candidate_team) == ("Revisar", "Técnico", "soporte_n1")
    task_service.complete_task(review.id, {}, technician)
    for repeat in (True, True, False):
        [again] = ready(ticket)
        task_service.complete_task(again.id, {"repeat": repeat}, technician)

    chain = instances(ticket)
    assert [i.process_version.process_id for i in chain] == ["prueba_inicio"] + ["prueba_ronda"] * 3
    assert all(i.status == "completed" and i.state is None for i in chain)
    assert chain[0].trace == ["start", "set_status", "script", "revisar", "to_next"]
    assert chain[-1].trace[-1] == "fin" and chain[1].trace[-1] == "again"
    assert [i.parent_id for i in chain[1:]] == [i.id for i in chain[:-1]]
    assert db.session.get(Ticket, ticket.id).round == 3


def test_five_hundred_rounds_stay_correct(scenario):
    """SpiffWorkflow completes a looping instance silently after ~333 turns; rounds never loop inside one."""
    ticket = open_ticket()
    technician = user("tecnico1")
    task_service.complete_task(ready(ticket)[0].id, {}, technician)
    for _ in range(500):
        [again] = ready(ticket)
        task_service.complete_task(again.id, {"repeat": True}, technician)
    [last] = ready(ticket)
    task_service.complete_task(last.id, {"repeat": False}, technician)
    chain = instances(ticket)
    assert len(chain) == 502
    assert chain[-1].trace[-1] == "fin"
    assert db.session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.ticket_id == ticket.id, HumanTask.status == "completed")) == 502


def test_running_instances_finish_on_their_version(app, monkeypatch, complaint_process):
    xml = renamed(data_file("scenario.bpmn").decode(), "ver")
    complaint_process("prueba_inicio_ver")
    monkeypatch.setitem(app.config, "FORMS_DIR", str(DATA / "forms"))
    process_service.deploy_files({"ver.bpmn": xml.encode()})
    old = open_ticket()
    process_service.deploy_files({"ver.bpmn": xml.replace('name="Revisar"', 'name="Revisar (v2)"').encode()})
    new = open_ticket()

    assert [t.title for t in ready(old)] == ["Revisar"]
    assert [t.title for t in ready(new)] == ["Revisar (v2)"]
    task_service.complete_task(ready(old)[0].id, {}, user("tecnico1"))
    first = instances(old)[0]
    assert first.status == "completed" and first.process_version.version == 1
    assert first.trace[-1] == "to_next"


@pytest.fixture
def failing_crm(app, monkeypatch, complaint_process):
    state = {"down": True}

    def call_crm(ctx, reason):
        if state["down"]:
            raise ConnectionError(f"{reason}: connection refused")
        return {"ok": True}

    monkeypatch.setitem(SERVICE_TASKS, "prueba.falla", call_crm)
    complaint_process("prueba_falla")
    process_service.deploy_files({"failing.bpmn": data_file("failing.bpmn")})
    return state


def test_a_failing_handler_shows_its_own_error_and_can_be_retried(failing_crm, caplog):
    with caplog.at_level(logging.ERROR):
        ticket = open_ticket()
    [instance] = instances(ticket)
    assert instance.status == "error" and instance.error_task == "call_crm"
    assert instance.error_message == "ConnectionError: CRM caído: connection refused"
    assert "CRM caído: connection refused" in caplog.text and "NameError" not in caplog.text
    assert db.session.get(Ticket, ticket.id).status == "received"
    failure = db.session.scalar(select(TicketEvent).where(TicketEvent.kind == "workflow_failed"))
    assert "CRM caído" in failure.message
    assert [i.id for i in workflow_service.failed_instances(user("supervisor"))] == [instance.id]

    failing_crm["down"] = False
    workflow_service.retry(instance.id, user("supervisor"))
    [instance] = instances(ticket)
    assert instance.status == "completed"
    assert db.session.get(Ticket, ticket.id).status == "open"


def test_only_supervisors_retry(failing_crm):
    ticket = open_ticket()
    with pytest.raises(Exception, match="supervisor"):
        workflow_service.retry(instances(ticket)[0].id, user("tecnico1"))


@pytest.fixture
def failing_late(app, monkeypatch, complaint_process):
    """``prueba_falla_tarde``: the status changes to open (a timeline line, the customer's mail), then the CRM
    call writes a line of its own and fails while ``state["down"]``; ``state["calls"]`` counts the runs."""
    state = {"down": True, "calls": Counter()}
    set_status = SERVICE_TASKS["ticket.set_status"]

    @wraps(set_status)  # same parameters, for the deploy's check
    def counted_set_status(ctx, **params):
        state["calls"]["set_status"] += 1
        return set_status(ctx, **params)

    def call_crm(ctx, reason):
        state["calls"]["crm"] += 1
        db.session.add(TicketEvent(ticket_id=ctx.ticket.id, kind="crm_attempt", message=reason))
        if state["down"]:
            raise ConnectionError(f"{reason}: connection refused")
        return {"ok": True}

    monkeypatch.setitem(SERVICE_TASKS, "ticket.set_status", counted_set_status)
    monkeypatch.setitem(SERVICE_TASKS, "prueba.falla", call_crm)
    complaint_process("prueba_falla_tarde")
    process_service.deploy_files({"failing_late.bpmn": data_file("failing_late.bpmn")})
    return state


def _lines(ticket, kind: str) -> int:
    return db.session.scalar(select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id,
                                                                      TicketEvent.kind == kind))


def _customer_mail(ticket) -> str:
    [body] = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.ticket_id == ticket.id,
                                                                 OutboxMessage.channel == "email"))
    return re.sub(r"Q-\d{4}-\d+", "Q-…", body)


def test_a_handler_failing_after_another_leaves_none_of_its_writes_and_the_earlier_one_keeps_its_own(failing_late):
    clock.freeze(clock.now())  # the two mails compared below carry the time they were written
    ticket = open_ticket()
    [instance] = instances(ticket)
    assert (instance.status, instance.error_task) == ("error", "call_crm")
    assert db.session.get(Ticket, ticket.id).status == "open"  # the service task before it kept its write
    assert (_lines(ticket, "status_changed"), _lines(ticket, "crm_attempt")) == (1, 0)

    failing_late["down"] = False
    before = failing_late["calls"]["set_status"]
    workflow_service.retry(instance.id, user("supervisor"))
    assert failing_late["calls"]["set_status"] == before  # the retry runs the failed step only
    [instance] = instances(ticket)
    assert instance.status == "completed" and instance.trace == ["start", "set_open", "call_crm", "end"]
    assert (_lines(ticket, "status_changed"), _lines(ticket, "crm_attempt")) == (1, 1)
    # The customer got one mail for the opening and the status change, as if nothing had failed.
    assert _customer_mail(ticket) == _customer_mail(open_ticket())


def test_a_failure_after_the_engine_advanced_rolls_everything_back(scenario):
    ticket = open_ticket()
    [review] = ready(ticket)
    before = instances(ticket)[0].lock_version

    def explode(sender, **kwargs):
        raise RuntimeError("database went away")

    signals.task_completed.connect(explode)
    try:
        with pytest.raises(RuntimeError):
            task_service.complete_task(review.id, {}, user("tecnico1"))
    finally:
        signals.task_completed.disconnect(explode)
    db.session.expire_all()
    [instance] = instances(ticket)
    assert instance.lock_version == before and instance.status == "running"
    assert [t.id for t in ready(ticket)] == [review.id]
    assert db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "task_completed")) == 0


def test_a_completed_task_cannot_be_completed_again(scenario):
    ticket = open_ticket()
    [review] = ready(ticket)
    task_service.complete_task(review.id, {}, user("tecnico1"))
    with pytest.raises(Conflict, match="Tomás Técnico|Tomás"):
        task_service.complete_task(review.id, {}, user("tecnico2"))


def test_task_of_another_lane_is_refused(scenario):
    ticket = open_ticket()
    [review] = ready(ticket)
    with pytest.raises(Exception) as info:
        task_service.complete_task(review.id, {}, user("agente"))
    assert type(info.value).__name__ in ("NotFound", "Forbidden")


def test_a_live_workflow_of_another_version_is_never_reused(scenario):
    """Another web process advanced the instance: the object this process kept is stale and ignored."""
    from app.workflow import engine

    ticket = open_ticket()
    [instance] = instances(ticket)
    engine.keep_live(instance.id, instance.lock_version - 1, object())  # would crash if used
    task_service.complete_task(ready(ticket)[0].id, {}, user("tecnico1"))
    assert instances(ticket)[0].status == "completed"
