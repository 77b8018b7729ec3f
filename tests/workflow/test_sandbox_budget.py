"""Analysts' code runs under a CPU-time and memory budget (issue 9, item 2); TestConfig makes both small.

Each hostile snippet fails its step as a retryable workflow error, the request that ran it answers, and the
rest of the application (other threads, the database, the timer sweep) goes on.
"""
from __future__ import annotations

import threading
from datetime import timedelta
from html import escape

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import HumanTask, WorkflowInstance
from app.services.cases import timer_service, workflow_service
from app.services.processes import process_service
from app.workflow.sandbox import RestrictedEnvironment, is_bounded, is_bounded_template, render_template
from app.workflow.sandbox_process import ScriptBudgetExceeded, ScriptValueError
from tests.conftest import user
from tests.drawing import drawn
from tests.workflow.conftest import open_ticket

HOSTILE = {
    "endless loop": "while True: pass",
    "huge power": "x = 10 ** 10 ** 8",
    "huge string": "x = 'a' * 10**10",
    "huge list": "x = [0] * 10**9",
}


@pytest.mark.parametrize("script", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_scripts_go_over_the_budget_and_leave_the_data_alone(script):
    context = {"kept": 1}
    with pytest.raises(ScriptBudgetExceeded):
        RestrictedEnvironment().execute(script, context)
    assert context == {"kept": 1}


def test_expressions_and_instructions_have_the_same_budget():
    with pytest.raises(ScriptBudgetExceeded):
        RestrictedEnvironment().evaluate("10 ** 10 ** 8 > 1", {})
    with pytest.raises(ScriptBudgetExceeded):
        render_template("{{ 'a' * 10**10 }}", {})
    assert render_template("Ticket {{ n }}", {"n": 7}) == "Ticket 7"


@pytest.mark.parametrize("expression, bounded", [
    ("ticket['priority'] == 'alta'", True),
    ("not valid and (category in ['lentitud', 'sin_servicio'] or score < 3)", True),
    ("'soporte_n1' if ticket['team'] is None else ticket['team']", True),
    ("10 ** 10 ** 8 > 1", False),
    ("'a' * 3", False),
    ("len(ticket['number']) > 1", False),
    ("'Venció el plazo en la ronda ' + str(ticket['round']) + ' de diagnóstico.'", True),
    ("str(10 ** 10 ** 8)", False),
    ("str(x, 'utf-8')", False),
    ("str(*items)", False),
    ("''.join(items)", False),
    ("ticket['n'] - 1", False),
    ("[i for i in items]", False),
    ("f'{x:>1000000000}'", False),
])
def test_only_expressions_bounded_by_their_data_skip_the_evaluator(expression, bounded):
    """No loop, no formatting, of arithmetic only ``+`` and of calls only ``str(x)``: nothing in them can outgrow
    the data they read."""
    assert is_bounded(expression) is bounded


@pytest.mark.parametrize("source, bounded", [
    ("Reporte {{ ticket.number }}: el área respondió «{{ answer }}».", True),
    ("{{ ticket['customer_name'] }}", True),
    ("Sin valores", True),
    ("{% if outcome == 'remota' %}{{ actions_remote }}{% else %}{{ address or 'sin domicilio' }}{% endif %}", True),
    ("{{ 'sí' if solved and not reopened else 'no' }}", True),
    ("{{ 'a' * 10**10 }}", False),
    ("{{ answer|upper }}", False),
    ("{% for x in items %}{{ x }}{% endfor %}", False),
    ("{{ range(10)|list }}", False),
    ("{{ ticket.number", False),
])
def test_only_instructions_bounded_by_their_data_skip_the_evaluator(source, bounded):
    assert is_bounded_template(source) is bounded


def test_bounded_instructions_render_like_the_evaluator():
    data = {"ticket": {"number": "Q-1"}, "answer": "sí"}
    assert render_template("{{ ticket.number }}: «{{ answer }}»{{ missing }}{{ ticket.__class__ }}.", data) \
        == "Q-1: «sí»."
    assert render_template("{% if answer == 'sí' %}{{ ticket.number or 'x' }}{% endif %}", data) == "Q-1"


def test_bounded_expressions_answer_like_the_evaluator():
    env, context = RestrictedEnvironment(), {"ticket": {"priority": "alta"}, "valid": False}
    assert env.evaluate("ticket['priority'] == 'alta' and not valid", context) is True
    assert env.evaluate("'ronda ' + str(ticket['round'] + 1)", {"ticket": {"round": 2}}) == "ronda 3"
    with pytest.raises(ScriptValueError):
        env.evaluate("{1, 2}", context)  # a set: the evaluator refuses it too


def test_the_budget_holds_in_a_server_thread():
    """Threaded servers evaluate outside the main thread, where ``signal.alarm`` would not work."""
    outcome = []

    def work():
        try:
            RestrictedEnvironment().execute("while True: pass", {})
        except ScriptBudgetExceeded as err:
            outcome.append(err)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)
    assert not worker.is_alive() and len(outcome) == 1


def test_a_script_leaving_a_generator_fails_with_its_name():
    context = {}
    with pytest.raises(ScriptValueError, match="pendientes"):
        RestrictedEnvironment().execute("pendientes = (i for i in [1, 2])", context)
    assert context == {}


def test_ordinary_code_still_works_after_a_budget_failure():
    env = RestrictedEnvironment()
    with pytest.raises(ScriptBudgetExceeded):
        env.execute("x = [0] * 10**9", {})
    context = {"ticket": {"number": "Q-1"}}
    env.execute("n = len(ticket['number'])\nhelper = lambda v: v", context)
    assert context == {"ticket": {"number": "Q-1"}, "n": 3}


PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="budget_defs" targetNamespace="http://atiende.local/tests">
  <bpmn:process id="prueba_presupuesto" name="Prueba: presupuesto" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_tecnico" name="Técnico"><bpmn:flowNodeRef>revisar</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{first}"/>
    <bpmn:intermediateCatchEvent id="esperar">
      <bpmn:timerEventDefinition id="esperar_def">
        <bpmn:timeDuration>"PT1H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="esperar" targetRef="calcular"/>
    <bpmn:scriptTask id="calcular" name="Calcular">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="calcular" targetRef="revisar"/>
    <bpmn:userTask id="revisar" name="Revisar">
      <bpmn:extensionElements>
        <spiffworkflow:instructionsForEndUser>{instructions}</spiffworkflow:instructionsForEndUser>
        <spiffworkflow:properties>
          <spiffworkflow:property name="candidateTeam" value="'soporte_n1'"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f4" sourceRef="revisar" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def deploy(app, complaint_process):
    def deploy_process(script: str = "x = 1", instructions: str = "Revisar", timer: bool = False):
        xml = PROCESS.format(first="esperar" if timer else "calcular", script=escape(script),
                             instructions=escape(instructions))
        process_service.deploy_files({"presupuesto.bpmn": drawn(xml)})
        complaint_process("prueba_presupuesto")

    return deploy_process


def instance_of(ticket) -> WorkflowInstance:
    db.session.expire_all()
    return db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))


@pytest.mark.parametrize("script", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_script_fails_its_step_and_can_be_retried(deploy, script):
    deploy(script)
    ticket = open_ticket()  # the request that created the ticket answered
    instance = instance_of(ticket)
    assert instance.status == "error" and instance.error_task == "calcular"
    assert instance.error_message.startswith("ScriptBudgetExceeded: El código del proceso excedió")
    # The database is not held: other writes go on, and the supervisor's retry fails the same visible way.
    assert open_ticket().id != ticket.id
    workflow_service.retry(instance.id, user("supervisor"))
    assert instance_of(ticket).status == "error"


def test_a_generator_left_in_the_data_fails_that_step_only(deploy):
    deploy("pendientes = (i for i in [1, 2])")
    first, second = open_ticket(), open_ticket()
    for ticket in (first, second):
        instance = instance_of(ticket)
        assert instance.status == "error" and instance.error_task == "calcular"
        assert "pendientes" in instance.error_message


def test_instructions_over_budget_fail_the_step(deploy):
    deploy(instructions="{{ 'a' * 10**10 }}")
    ticket = open_ticket()
    instance = instance_of(ticket)
    assert instance.status == "error" and instance.error_task == "revisar"
    assert "ScriptBudgetExceeded" in instance.error_message


def test_a_hostile_script_behind_a_timer_fails_once_and_the_sweep_goes_on(deploy):
    deploy("while True: pass", timer=True)
    ticket = open_ticket()
    clock.advance(timedelta(hours=2))
    timer_service.fire_due_timers()
    assert instance_of(ticket).status == "error"
    assert timer_service.fire_due_timers() == 0  # the next sweep (or a restarted worker) does not fire it again
    assert not db.session.scalars(select(HumanTask).where(HumanTask.ticket_id == ticket.id)).all()
