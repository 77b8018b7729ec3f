"""Simulation of a process before it is published: a test instance, in memory, driven down each path.

Nothing is written: service tasks are stubbed (their parameters are still evaluated; the result holds the
operation's declared result keys with sample values), user tasks are completed with sample data made from
their forms, messages the path waits for arrive with an empty payload. Each gateway's outgoing flows are
taken in turn: the simulation forces the branch instead of evaluating its condition (the data-flow check
reads the conditions), so every flow is driven at least once. A path stops at a timer it would wait for.

Sample data is made up, so a failure here is reported with the element it stopped at for the analyst to
judge; it does not stop a publish.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition

from app.i18n import _
from app.models.ticket import SNAPSHOT_FIELDS
from app.workflow.engine import restore_spec_json
from app.workflow.sandbox import RestrictedEnvironment

MAX_RUNS = 24  # per process: enough to take every flow of the shipped diagrams, bounded for big ones
MAX_STEPS = 120
SAMPLE = "muestra"
LATER = "2100-01-01T00:00:00+00:00"  # instants (due dates): far ahead, so a timer on them waits


def _sample_value(key: str):
    return LATER if key.endswith("_at") else SAMPLE


SAMPLE_TICKET = {name: _sample_value(name) for name in SNAPSHOT_FIELDS} | {
    "number": "Q-2026-000000", "kind": "complaint", "priority": "media", "round": 0, "team": None,
    "assignee": None, "reported_priority": None}


@dataclass
class _Run:
    plan: dict[str, str]  # gateway id → the flow target it takes
    choices: list[str] = field(default_factory=list)
    seen_gateways: dict[str, list[str]] = field(default_factory=dict)  # gateway → its possible targets


class _SimulationEngine(PythonScriptEngine):
    def __init__(self, run: _Run, operations: dict):
        super().__init__(environment=RestrictedEnvironment())
        self.run, self.operations = run, operations

    def evaluate(self, task, expression, external_context=None):
        spec = task.task_spec
        conditions = getattr(spec, "cond_task_specs", None)
        if conditions and any(condition.args[0] == expression for condition, _name in conditions
                              if hasattr(condition, "args")):
            return self._choose(spec, conditions, expression)
        return super().evaluate(task, expression, external_context)

    def _choose(self, spec, conditions, expression) -> bool:
        targets = [name for _condition, name in conditions]
        default = getattr(spec, "default_task_spec", None)
        options = targets + ([default] if default else [])
        gateway = spec.bpmn_id
        self.run.seen_gateways.setdefault(gateway, options)
        chosen = self.run.plan.setdefault(gateway, options[0])
        if f"{gateway}→{chosen}" not in self.run.choices:
            self.run.choices.append(f"{gateway}→{chosen}")
        return dict((c.args[0], name) for c, name in conditions if hasattr(c, "args")).get(expression) == chosen

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        info = self.operations.get(operation_name)
        return json.dumps({key: _sample_value(key) for key in (info.results if info else ())})


def paths(process, forms: dict[str, dict], operations: dict) -> list:
    """One ``report.PathResult``-shaped dict per run, until every gateway flow was taken (or MAX_RUNS)."""
    spec, subprocess_specs = restore_spec_json(process.spec_json)
    results, pending, done = [], [{}], set()
    while pending and len(results) < MAX_RUNS:
        plan = pending.pop(0)
        key = tuple(sorted(plan.items()))
        if key in done:
            continue
        done.add(key)
        run = _Run(plan=dict(plan))
        elements, ok, message = _drive(spec, subprocess_specs, process, run, forms, operations)
        if any(r["choices"] == tuple(run.choices) for r in results):
            continue  # the plan named a gateway this run never reached: the same path again
        results.append({"process_id": process.process_id, "choices": tuple(run.choices),
                        "elements": tuple(elements), "ok": ok, "message": message})
        for gateway, options in run.seen_gateways.items():
            for option in options:
                if option != run.plan.get(gateway):
                    pending.append({**run.plan, gateway: option})
    return results


def _drive(spec, subprocess_specs, process, run, forms, operations) -> tuple[list[str], bool, str]:
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=_SimulationEngine(run, operations))
    workflow.task_tree.data["ticket"] = dict(SAMPLE_TICKET)
    try:
        workflow.do_engine_steps()
        keys = _keys_read(process)
        if process.start_message:
            _send(workflow, process.start_message, keys)
        for _step in range(MAX_STEPS):
            workflow.do_engine_steps()
            if workflow.is_completed():
                return _trace(workflow), True, ""
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if ready:
                task = ready[0]
                props = getattr(task.task_spec, "extensions", {}).get("properties", {})
                task.data.update(sample_data(forms.get(props.get("formJsonSchemaFilename"), {})))
                task.run()
                continue
            waiting = _awaited_message(workflow)
            if waiting is None:
                return _trace(workflow), True, _("The path waits for a timer.")
            _send(workflow, waiting, keys)
        return _trace(workflow), False, _("The path did not end after %(n)s steps.", n=MAX_STEPS)
    except Exception as err:  # whatever the sample data makes fail is reported, never raised
        task = getattr(err, "task", None)
        where = (task.task_spec.bpmn_name or task.task_spec.bpmn_id) if task is not None else process.process_id
        cause = err.__cause__ or err
        return _trace(workflow), False, _("Stopped at «%(element)s»: %(error)s", element=where,
                                          error=f"{type(cause).__name__}: {cause}")


def _awaited_message(workflow) -> str | None:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and not hasattr(task.task_spec, "cancel_activity"):
            return definition.name
    return None


def _send(workflow, name: str, keys: dict[str, set[str]]) -> None:
    """Deliver the message with a sample of every key the diagram reads from its variable."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if getattr(definition, "name", None) == name:
            payload = {key: _sample_value(key) for key in keys.get(getattr(definition, "message_var", None), ())}
            workflow.send_event(BpmnEvent(type(definition)(name), payload))
            return


_KEY_READ = re.compile(r"""\b(\w+)\[\s*(?:"|'|&quot;)(\w+)(?:"|'|&quot;)\s*\]""")


def _keys_read(process) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for text in process.sources.values():  # the diagram and the tables it calls
        for variable, key in _KEY_READ.findall(text):
            keys.setdefault(variable, set()).add(key)
    return keys


def _trace(workflow) -> list[str]:
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    done.sort(key=lambda t: t.last_state_change)
    return [t.task_spec.bpmn_id for t in done]


def sample_data(schema: dict) -> dict:
    """A value for every top-level field of a form: its default, first choice, or a value of its type."""
    return {name: _sample(field) for name, field in (schema.get("properties") or {}).items()
            if isinstance(field, dict)}


def _sample(field: dict):
    if "default" in field:
        return field["default"]
    if "const" in field:
        return field["const"]
    for key in ("enum", "oneOf", "anyOf"):
        if field.get(key):
            first = field[key][0]
            return _sample(first) if isinstance(first, dict) else first
    kind = field.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return {"boolean": True, "integer": field.get("minimum", 1), "number": field.get("minimum", 1),
            "array": [], "object": sample_data(field), "null": None}.get(kind, SAMPLE)
