"""Run workflow instances: start, complete a task, deliver a message, fire timers, retry.

Every function works inside the caller's transaction (the service commits). After each advance the
instance's state, its task index, timer and message columns are written together, so a rollback leaves
no half-advanced ticket. Messages an instance throws are routed to the process whose message start
event catches them (continue-as-new: docs/architecture.md).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime
from functools import partial, wraps
from uuid import UUID

from flask import current_app
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from app import clock, signals
from app.errors import Conflict, NotFound
from app.extensions import after_commit, db
from app.i18n import _
from app.models import HumanTask, ProcessVersion, Ticket, User, WorkflowInstance
from app.workflow import engine, steps
from app.workflow.index import sync_index
from app.workflow.sandbox import render_template
from handlers.outbox import transaction_scope
from handlers.registry import HandlerContext, current_context

log = logging.getLogger(__name__)

# A diagram that throws its own start message without ever waiting would chain instances forever
# inside one request: stop it and roll the request back.
MAX_CHAINED_STARTS = 20


class _Replay(Exception):
    """A step failed under ``_replayable``'s one savepoint: roll back and run the call again."""


def _replayable(fn):
    """Run a call of the runtime under one savepoint instead of one per service task (each costs a flush and two
    statements). When a step fails, the savepoint is rolled back, with what the transaction keeps in memory
    (``session.info``: the mail this transaction queued, the after-commit hooks), and the call runs again from
    the stored state with a savepoint per service task, which records the failure as it always did: the failing
    handler leaves none of its writes, the service tasks before it keep theirs and stay completed, ``retry``
    runs only the failed one."""
    @wraps(fn)
    def call(*args, **kwargs):
        if engine.one_savepoint.get():  # called from inside another such call: its savepoint holds this one
            return fn(*args, **kwargs)
        info = _copy(db.session.info)
        token = engine.one_savepoint.set(True)
        savepoint = db.session.begin_nested()
        try:
            result = fn(*args, **kwargs)
            savepoint.commit()
            return result
        except _Replay:
            savepoint.rollback()
        except BaseException:
            savepoint.rollback()
            raise
        finally:
            engine.one_savepoint.reset(token)
        db.session.info.clear()
        db.session.info.update(info)
        return fn(*args, **kwargs)
    return call


@contextmanager
def all_or_nothing():
    """The calls in this block take no savepoint of their own, and a step that fails raises ``_Replay`` instead
    of being recorded: for a caller that rolls its whole transaction back when any of them fails and then runs
    each again in a transaction of its own, where the failure is recorded as usual (the timer sweep's batch).
    A savepoint per call costs two statements and a flush, and would hold nothing the batch's rollback does not."""
    token = engine.one_savepoint.set(True)
    try:
        yield
    finally:
        engine.one_savepoint.reset(token)


def _copy(value):
    """Containers copied, what they hold shared (rows, handlers' records are not changed in place)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return type(value)(_copy(v) for v in value)
    return value


def latest_version(process_id: str) -> ProcessVersion:
    version = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc()).limit(1))
    if version is None:
        raise NotFound(_("Process %(process)s is not deployed.", process=process_id))
    return version


def version_for(ticket: Ticket, process_id: str) -> ProcessVersion:
    """The version of ``process_id`` a ticket runs: a ticket keeps, for all its rounds, the versions it
    started with. The one it already ran (or was moved to); else the one that was live when the ticket was
    opened (or when it was last moved to another version); else (deployed later) the latest."""
    pins = ticket.process_pins or {}
    pinned = pins.get("versions", {}).get(process_id)
    version = db.session.get(ProcessVersion, pinned) if pinned else None
    as_of = datetime.fromisoformat(pins["as_of"]) if pins.get("as_of") else ticket.created_at
    if version is None and as_of is not None:
        version = db.session.scalar(
            select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.deployed_at <= as_of)
            .order_by(ProcessVersion.version.desc()).limit(1))
    return version or latest_version(process_id)


def pin(ticket: Ticket, version: ProcessVersion, *, moved: bool = False) -> None:
    """From now on the ticket's rounds of this process run ``version``; a ticket ``moved`` to it also takes,
    for the processes it has not run yet, the versions live when ``version`` was deployed. (A new dict: JSON
    columns track assignment, not mutation.)"""
    pins = ticket.process_pins or {}
    versions = {**pins.get("versions", {}), version.process_id: version.id}
    as_of = version.deployed_at.isoformat() if moved else pins.get("as_of")
    ticket.process_pins = {"versions": versions, **({"as_of": as_of} if as_of else {})}


@_replayable
def start(ticket: Ticket, process_id: str, actor: User | None = None,
          version: ProcessVersion | None = None) -> WorkflowInstance:
    """Start a new instance of ``version`` (by default the latest) of ``process_id`` for ``ticket``."""
    if version is not None and version.process_id != process_id:
        raise Conflict(_("Version %(n)s is not a version of %(process)s.", n=version.version, process=process_id))
    return _start(ticket, version or latest_version(process_id), actor, parent=None, message=None, depth=0)


@_replayable
def start_on_message(ticket: Ticket, name: str, payload: dict, actor: User | None = None) -> list[WorkflowInstance]:
    """Throw ``name`` from outside any instance: start every process whose message start event catches it
    (a claim line sent for approval starts its own approval instance)."""
    targets = _catching(ticket, name)
    if not targets:
        raise NotFound(_("No process receives the message %(name)s.", name=name))
    return [_start(ticket, version, actor, parent=None, message=(name, payload), depth=0) for version in targets]


def _catching(ticket: Ticket, name: str) -> list[ProcessVersion]:
    catching = db.session.scalars(
        select(ProcessVersion.process_id).where(ProcessVersion.start_message == name).distinct()).all()
    return [v for v in (version_for(ticket, pid) for pid in sorted(catching)) if v.start_message == name]


def _start(ticket, version, actor, parent, message, depth) -> WorkflowInstance:
    if depth > MAX_CHAINED_STARTS:
        raise Conflict(_("The process chains instances without ever waiting: check the diagram."))
    instance = WorkflowInstance(ticket_id=ticket.id, process_version=version, parent_id=parent and parent.id)
    db.session.add(instance)
    db.session.flush()  # for its id
    spec, subprocess_specs = engine.restore_spec(version.id, _spec_json(version))  # cached: no SELECT of the spec
    # The ticket's round (the instances it had before this one) and pins are set after the flush and the reads
    # above: they go with the step's other changes to the ticket, in one UPDATE, not in one of their own.
    ticket.round = db.session.scalar(
        select(func.count(WorkflowInstance.id)).where(WorkflowInstance.ticket_id == ticket.id)) - 1
    pin(ticket, version)
    workflow = engine.new_workflow(spec, subprocess_specs)
    workflow.task_tree.data["ticket"] = ticket.snapshot()
    _advance(instance, workflow, ticket, actor, message=message, depth=depth, fresh=True)
    return instance


def hold_locked(instance_ids: list[int]) -> list:
    """Read instances this transaction has already locked (the timer sweep's batch), with their state, and
    their tickets with team and assignee, a query each for the whole batch; ``load`` then takes each as it
    is instead of reading its row again. Returns the rows: the caller holds them while it fires the batch
    (the session keeps an object only while something refers to it)."""
    if not instance_ids:
        return []
    instances = db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.id.in_(instance_ids))
                                   .options(undefer(WorkflowInstance.state),
                                            joinedload(WorkflowInstance.process_version, innerjoin=True))).all()
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_({i.ticket_id for i in instances}))
                                 .options(selectinload(Ticket.team), selectinload(Ticket.assignee))).all()
    transaction_scope().setdefault(_LOCKED, {}).update((i.id, i) for i in instances)
    return [*instances, *tickets]


_LOCKED = "locked_instances"


def hold_read(instance: WorkflowInstance) -> None:
    """``instance`` as its caller already read and locked it (FOR UPDATE), with its process version: ``load``
    takes it as it is instead of reading its row again (a task completion reads it with the task)."""
    transaction_scope().setdefault(_LOCKED, {})[instance.id] = instance


def restore_ahead(instance_ids: list[int]) -> None:
    """Deserialize these instances' workflows now, before their transaction: ``load`` takes each as long as its
    row still has the version read here (``engine.take_live``), and reads it again otherwise. The timer sweep on
    SQLite does this while the other worker holds the write lock, so that part of firing runs beside it."""
    rows = db.session.execute(select(WorkflowInstance.id, WorkflowInstance.lock_version, WorkflowInstance.state,
                                     WorkflowInstance.process_version_id)
                              .where(WorkflowInstance.id.in_(instance_ids))) if instance_ids else []
    for instance_id, lock_version, state, version_id in rows:
        if state and engine.is_spec_cached(version_id):  # restoring a spec is for the first firing to do
            spec, subprocess_specs = engine.restore_spec(version_id, "")
            engine.keep_live(instance_id, lock_version, engine.load_state(state, spec, subprocess_specs))


def load(instance_id: int) -> tuple[WorkflowInstance, object]:
    """Lock the instance row (FOR UPDATE where the database has it) and rebuild its workflow."""
    # Its version comes in the same statement (the advance needs its process id); only the instance is locked.
    instance = transaction_scope().get(_LOCKED, {}).pop(instance_id, None) or db.session.scalar(
        select(WorkflowInstance).where(WorkflowInstance.id == instance_id)
        .options(joinedload(WorkflowInstance.process_version, innerjoin=True))
        .with_for_update(of=WorkflowInstance))
    if instance is None:
        raise NotFound(_("No such process instance."))
    if instance.status in ("completed", "cancelled"):
        raise Conflict(_("The process of this ticket has already finished."))
    workflow = engine.take_live(instance.id, instance.lock_version)
    if workflow is None:
        version = instance.process_version
        spec, subprocess_specs = engine.restore_spec(version.id, _spec_json(version))
        workflow = engine.load_state(instance.state, spec, subprocess_specs)
    return instance, workflow


def _spec_json(version: ProcessVersion) -> str:
    # The spec is needed only when this process doesn't have it cached yet.
    return "" if engine.is_spec_cached(version.id) else version.spec_json


@_replayable
def complete_task(task_row: HumanTask, data: dict, actor: User | None, on_behalf_of: str | None = None):
    instance, workflow = load(task_row.instance_id)
    task = workflow.get_task_from_id(UUID(task_row.id))
    # The engine runs any task it is given; only a READY user task may be completed (notes §b).
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise Conflict(_("This task is no longer pending: someone else completed it or the process moved on."))
    task.data.update(data)
    task.run()
    task_row.status, task_row.completed_at, task_row.data = "completed", clock.now(), data
    task_row.completed_by_id = actor.id if actor else None
    task_row.on_behalf_of = on_behalf_of
    ticket = db.session.get(Ticket, instance.ticket_id)
    signals.task_completed.send(ticket, task=task_row, actor=actor, on_behalf_of=on_behalf_of)
    _advance(instance, workflow, ticket, actor)
    return instance


@_replayable
def deliver_message(instance_id: int, name: str, payload: dict, actor: User | None = None):
    instance, workflow = load(instance_id)
    ticket = db.session.get(Ticket, instance.ticket_id)
    _advance(instance, workflow, ticket, actor, message=(name, payload))
    return instance


@_replayable
def fire_timers(instance_id: int) -> WorkflowInstance:
    instance, workflow = load(instance_id)
    ticket = db.session.get(Ticket, instance.ticket_id)
    workflow.refresh_timers()
    _advance(instance, workflow, ticket, actor=None)
    return instance


@_replayable
def retry(instance_id: int, actor: User | None) -> WorkflowInstance:
    """Run the failed service task again, after the cause was fixed."""
    instance, workflow = load(instance_id)
    if instance.status != "error":
        raise Conflict(_("The process is not in an error state."))
    failed = workflow.get_tasks(state=TaskState.ERROR)
    for task in failed:
        workflow.reset_from_task_id(task.id)
    ticket = db.session.get(Ticket, instance.ticket_id)
    _advance(instance, workflow, ticket, actor)
    return instance


def cancel_all(ticket: Ticket) -> int:
    """Stop every unfinished instance of ``ticket`` (it was merged into another): no task, timer or awaited
    message of it remains. Returns how many were stopped."""
    instances = db.session.scalars(select(WorkflowInstance).where(
        WorkflowInstance.ticket_id == ticket.id, WorkflowInstance.status.in_(("running", "error")))
        .with_for_update()).all()
    for instance in instances:
        instance.status, instance.completed_at, instance.state = "cancelled", clock.now(), None
        instance.next_timer_due = instance.waiting_message = None
        for row in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                              HumanTask.status == "ready")):
            row.status = "cancelled"
    return len(instances)


def _deliver(workflow, name: str, payload: dict) -> None:
    waiting = [t for t in workflow.get_tasks(state=TaskState.WAITING)
               if getattr(getattr(t.task_spec, "event_definition", None), "name", None) == name]
    if not waiting:
        raise Conflict(_("The process is not waiting for the message %(name)s.", name=name))
    # The event class must be the catching definition's own (notes §g: matching compares classes).
    definition = type(waiting[0].task_spec.event_definition)(name)
    workflow.send_event(BpmnEvent(definition, payload))


def advance(instance, workflow, ticket, actor) -> None:
    """Run engine steps on a workflow changed outside a task (a migration), then persist it."""
    _advance(instance, workflow, ticket, actor)


def _advance(instance, workflow, ticket, actor, message=None, depth=0, fresh=False) -> None:
    """Run engine steps until the instance waits, then persist it with its index and route its messages
    (``fresh``: the instance was inserted by this call, so it has no task rows yet)."""
    token = current_context.set(HandlerContext(
        ticket=ticket, process_id=instance.process_version.process_id, actor=actor, config=current_app.config,
        render=render_template))
    try:
        if message is not None:
            workflow.do_engine_steps()  # a new instance reaches its message start event first
            _deliver(workflow, *message)
        workflow.do_engine_steps()
        instance.status, instance.error_message, instance.error_task = "running", None, None
    except WorkflowException as err:  # WorkflowTaskException included
        if engine.one_savepoint.get():
            raise _Replay from err
        _record_failure(instance, ticket, err)
    finally:
        current_context.reset(token)
    outgoing = workflow.get_events()
    _save(instance, workflow, ticket, actor, fresh)
    for event in outgoing:
        _route(instance, ticket, actor, event, depth)


def _record_failure(instance, ticket, err) -> None:
    cause = err.__cause__ or err
    while isinstance(cause, WorkflowTaskException) and (cause.__cause__ or cause.__context__) is not None:
        cause = cause.__cause__ or cause.__context__  # SpiffWorkflow wraps a script's error: show the script's own
    task = getattr(err, "task", None)
    instance.status = "error"
    instance.error_task = task.task_spec.bpmn_id if task is not None else None
    instance.error_message = f"{type(cause).__name__}: {cause}"
    log.error("workflow %s of ticket %s failed at %s: %s", instance.id, ticket.number,
              instance.error_task, instance.error_message, exc_info=cause)
    signals.workflow_failed.send(ticket, instance=instance, error=instance.error_message)


def _save(instance, workflow, ticket, actor, fresh=False) -> None:
    done = steps.completed_in_order(workflow)
    previous, instance.trace = instance.trace or [], [t.task_spec.bpmn_id for t in done]  # the path, for the diagram
    steps.record(instance, ticket, done, previous, actor)
    if workflow.is_completed():
        instance.status, instance.completed_at = "completed", clock.now()
        instance.state = None  # nothing resumes a finished instance; its trace and index remain
    else:
        instance.state = engine.dump_state(workflow)
    try:
        sync_index(instance, workflow, ticket, fresh=fresh)
    except WorkflowException as err:  # a task property or its instructions failed (or went over budget)
        _record_failure(instance, ticket, err)
    db.session.flush()
    if instance.status != "completed":
        after_commit(f"workflow:{instance.id}",
                     partial(engine.keep_live, instance.id, instance.lock_version, workflow))


def _route(instance, ticket, actor, event, depth) -> None:
    """Start the process whose message start event catches what this instance threw."""
    name = getattr(event.event_definition, "name", None)
    targets = _catching(ticket, name)
    if not targets:
        instance.status, instance.error_message = "error", _("No process receives the message %(name)s.", name=name)
        signals.workflow_failed.send(ticket, instance=instance, error=instance.error_message)
        return
    for version in targets:
        _start(ticket, version, actor, parent=instance, message=(name, event.payload or {}), depth=depth + 1)
