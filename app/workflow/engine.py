"""The one place SpiffWorkflow is wired: parser, serializer, script engine, clock.

Specs are stored once per ``ProcessVersion`` and kept parsed in memory per version; an instance's
stored state carries no spec and gets the cached one re-attached when it is loaded.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from contextvars import ContextVar
from datetime import UTC, datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

import handlers.registry
from app import clock
from app.extensions import db
from app.workflow.sandbox import RestrictedEnvironment


class _ClockedDatetime(datetime):
    """SpiffWorkflow's timers ask ``datetime.now``; answer with the application clock."""

    @classmethod
    def now(cls, tz=None):
        current = clock.now()
        return current.astimezone(tz) if tz else current.astimezone(UTC).replace(tzinfo=None)


spiff_timer.datetime = _ClockedDatetime


# True while the runtime holds one savepoint around a whole call (``runtime._replayable``): a failure there
# rolls all of it back and runs it again with a savepoint per service task.
one_savepoint: ContextVar[bool] = ContextVar("one_savepoint", default=False)


class AppEnvironment(RestrictedEnvironment):
    def call_service(self, context, operation_name, operation_params, **kwargs):
        params = {name: spec["value"] for name, spec in operation_params.items()}
        if one_savepoint.get():
            result = handlers.registry.call(operation_name, params)
        else:  # a failing handler leaves none of its own writes behind; earlier ones keep theirs
            with db.session.begin_nested():
                result = handlers.registry.call(operation_name, params)
        return json.dumps(result, default=str)


class AppScriptEngine(PythonScriptEngine):
    def call_service(self, task, **kwargs):
        """SpiffWorkflow 3.2.0 masks handler errors as ``NameError: script``: keep the real one."""
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err) from err


SCRIPT_ENGINE = AppScriptEngine(environment=AppEnvironment())


def new_parser(validate: bool = True) -> SpiffBpmnParser:
    return SpiffBpmnParser(validator=VALIDATOR if validate else None)


class _DetachedSpecConverter(BpmnWorkflowConverter):
    """Leaves the spec out of an instance's state and takes an already restored one back in."""

    def to_dict(self, workflow):
        # BpmnWorkflowConverter.to_dict without converting the specs (half of a dump's time, then thrown away).
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec, subprocess_specs = dct.pop("spec"), dct.pop("subprocess_specs")
        if isinstance(spec, dict):  # a full serialization (spec included)
            return super().from_dict({**dct, "spec": spec, "subprocess_specs": subprocess_specs})
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(DEFAULT_CONFIG)
_spec_registry = BpmnWorkflowSerializer.configure(dict(DEFAULT_CONFIG))
SPEC_REGISTRY = _spec_registry  # what SpiffWorkflow's spec diff compares with (app.workflow.migration)
_config[BpmnWorkflow] = _DetachedSpecConverter
_state_registry = BpmnWorkflowSerializer.configure(_config)
STATE_SERIALIZER = BpmnWorkflowSerializer(_state_registry)


def serialize_spec(spec, subprocess_specs) -> str:
    return json.dumps({
        "spec": _spec_registry.convert(spec),
        "subprocess_specs": {k: _spec_registry.convert(v) for k, v in subprocess_specs.items()},
    })


_spec_cache: dict[int, tuple] = {}
_spec_lock = threading.Lock()


def is_spec_cached(version_id: int) -> bool:
    return version_id in _spec_cache


def restore_spec_json(spec_json: str) -> tuple:
    """A serialized spec and its subprocess specs, restored (not kept: see ``restore_spec``)."""
    dct = json.loads(spec_json)
    return (_spec_registry.restore(dct["spec"]),
            {k: _spec_registry.restore(v) for k, v in dct["subprocess_specs"].items()})


def restore_spec(version_id: int, spec_json: str):
    """Parsed spec of a process version, restored once per process and kept."""
    cached = _spec_cache.get(version_id)
    if cached is None:
        cached = restore_spec_json(spec_json)
        with _spec_lock:
            _spec_cache[version_id] = cached
    return cached


# Workflows this process saved last, by instance id with the row version they were saved as. A request that
# finds the same version in the database reuses the object instead of deserializing it; any other version
# (another process advanced it, or our transaction rolled back) means a fresh load. Instance rows are never
# deleted, so an id never names another instance; whoever deletes them (the tests) calls forget_live().
_live: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
LIVE_WORKFLOWS = 512


def take_live(instance_id: int, version: int) -> BpmnWorkflow | None:
    with _spec_lock:
        entry = _live.pop(instance_id, None)
    return entry[1] if entry and entry[0] == version else None


def forget_live() -> None:
    with _spec_lock:
        _live.clear()


def keep_live(instance_id: int, version: int, workflow: BpmnWorkflow) -> None:
    with _spec_lock:
        _live[instance_id] = (version, workflow)
        while len(_live) > LIVE_WORKFLOWS:
            _live.popitem(last=False)


def new_workflow(spec, subprocess_specs) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)


def dump_state(workflow: BpmnWorkflow) -> str:
    return STATE_SERIALIZER.serialize_json(workflow)


def load_state(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    dct = json.loads(state)
    dct["spec"], dct["subprocess_specs"] = spec, subprocess_specs
    workflow = STATE_SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
