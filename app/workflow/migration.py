"""Move a running instance to another version of its process (SpiffWorkflow's diff and migrate).

An instance may move when nothing it already did changed in the target version and every task it waits at
still exists there; it then continues on the target version from where it waits, and the ticket's later
rounds run that version too. A stranded instance (failed at a step of a broken version) may move to the fixed
version: its failed step runs again there.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.util.diff import diff_workflow, filter_tasks, migrate_workflow

from app import signals
from app.extensions import db
from app.i18n import _
from app.models import ProcessVersion, Ticket, User, WorkflowInstance
from app.workflow import engine, index, runtime


@dataclass
class MigrationCheck:
    instance: WorkflowInstance
    target: ProcessVersion
    problems: list[str] = field(default_factory=list)  # why it may not move (Spanish); empty: it may
    waiting_at: list[str] = field(default_factory=list)  # the tasks it waits at now

    @property
    def movable(self) -> bool:
        return not self.problems


def check(instance: WorkflowInstance, target: ProcessVersion) -> MigrationCheck:
    """Whether ``instance`` may move to ``target`` (nothing is changed)."""
    workflow = _workflow(instance) if instance.status in ("running", "error") else None
    return _plan(instance, workflow, target)[0]


def migrate(instance_id: int, target: ProcessVersion, actor: User | None) -> MigrationCheck:
    """Move the instance (locked) to ``target`` inside the caller's transaction, if it may; a refused move
    changes nothing."""
    instance, workflow = runtime.load(instance_id)
    result, diff, new_spec, new_deps = _plan(instance, workflow, target)
    if not result.movable:
        return result
    source = instance.process_version
    migrate_workflow(diff, workflow, new_spec)
    workflow.subprocess_specs = new_deps
    instance.process_version = target
    ticket = db.session.get(Ticket, instance.ticket_id)
    runtime.pin(ticket, target, moved=True)
    signals.workflow_migrated.send(ticket, instance=instance, source=source, target=target, actor=actor)
    for failed in workflow.get_tasks(state=TaskState.ERROR):  # a stranded instance: its failed step again
        workflow.reset_from_task_id(failed.id)
    runtime.advance(instance, workflow, ticket, actor)
    index.refresh_ready(instance, workflow, ticket)
    return result


def _plan(instance, workflow, target):
    result = MigrationCheck(instance=instance, target=target,
                            waiting_at=_waiting_at(workflow) if workflow is not None else [])
    source = instance.process_version
    if target.process_id != source.process_id:
        result.problems.append(_("It runs another process (%(process)s).", process=source.process_id))
    if target.id == source.id:
        result.problems.append(_("It already runs version %(version)s.", version=target.version))
    if instance.status not in ("running", "error"):
        result.problems.append(_("Its process has already finished."))
    if result.problems:
        return result, None, None, None
    new_spec, new_deps = engine.restore_spec(target.id, target.spec_json)
    diff, subprocess_diffs = diff_workflow(engine.SPEC_REGISTRY, workflow, new_spec, new_deps)
    done = filter_tasks(diff.changed + diff.removed, state=TaskState.COMPLETED | TaskState.STARTED)
    for name in sorted({_name(t) for t in done}):
        result.problems.append(_("A step it already completed changed in the target version: %(step)s.", step=name))
    waiting = filter_tasks(diff.removed, state=TaskState.READY | TaskState.WAITING)
    for name in sorted({_name(t) for t in waiting}):
        result.problems.append(_("The task it waits at does not exist in the target version: %(step)s.", step=name))
    if any(sub is None for sub in subprocess_diffs.values()):
        result.problems.append(_("A subprocess it runs does not exist in the target version."))
    return result, diff, new_spec, new_deps


def _workflow(instance: WorkflowInstance):
    version = instance.process_version
    spec, subprocess_specs = engine.restore_spec(version.id, version.spec_json)
    return engine.load_state(instance.state, spec, subprocess_specs)


def _waiting_at(workflow) -> list[str]:
    return sorted({_name(t) for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.ERROR)
                   if t.task_spec.bpmn_id and type(t.task_spec).__name__ != "BoundaryEventSplit"})


def _name(task) -> str:
    return task.task_spec.bpmn_name or task.task_spec.bpmn_id or task.task_spec.name
