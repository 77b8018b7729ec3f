"""Append an instance's newly completed tasks to the event log (``process_step``) each time it is saved.

The instance's trace is the completed elements in order of completion; what a save adds to it is what this
advance completed. Gateways and events are left out: the log holds the work (tasks), as process mining
expects. One multi-row insert per advance."""
from __future__ import annotations

from collections import Counter

from SpiffWorkflow import TaskState
from sqlalchemy import insert

from app import clock
from app.extensions import db
from app.models import HumanTask, ProcessStep

ACTIVITY_TYPES = frozenset({"UserTask", "ManualTask", "ServiceTask", "ScriptTask", "BusinessRuleTask", "SendTask",
                            "ReceiveTask", "NoneTask", "CallActivity", "SubWorkflowTask", "TransactionSubprocess"})


def completed_in_order(workflow) -> list:
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    done.sort(key=lambda t: t.last_state_change)
    return done


def record(instance, ticket, done: list, previous_trace: list[str], actor) -> None:
    """Log the tasks of ``done`` (all completed tasks, in order) beyond ``previous_trace``."""
    new = _beyond(done, previous_trace)
    activities = [t for t in new if type(t.task_spec).__name__ in ACTIVITY_TYPES]
    if not activities:
        return
    manual_ids = [str(t.id) for t in activities if t.task_spec.manual]
    # The rows read and referenced here are in the database already: the instance's pending changes are
    # flushed once, by ``_save`` (an autoflush here would write the instance row a second time). The task
    # just completed is in the session already (no statement).
    with db.session.no_autoflush:
        ready = {i: row.created_at for i in manual_ids if (row := db.session.get(HumanTask, i)) is not None}
        _insert_steps(instance, ticket, activities, ready, len(previous_trace), actor)


def _insert_steps(instance, ticket, activities, ready, start, actor) -> None:
    now = clock.now()
    db.session.execute(insert(ProcessStep.__table__), [  # the table's: a plain executemany, no ORM bulk insert
        {"ticket_id": ticket.id, "instance_id": instance.id, "process_version_id": instance.process_version_id,
         "element_id": t.task_spec.bpmn_id[:80], "activity": (t.task_spec.bpmn_name or t.task_spec.bpmn_id)[:200],
         "element_type": type(t.task_spec).__name__, "lane": t.task_spec.lane,
         "resource_id": actor.id if actor is not None and t.task_spec.manual else None,
         "ready_at": ready.get(str(t.id)), "completed_at": now, "position": start + i}
        for i, t in enumerate(activities)])


def _beyond(done: list, previous: list[str]) -> list:
    ids = [t.task_spec.bpmn_id for t in done]
    if ids[:len(previous)] == previous:
        return done[len(previous):]
    # The order changed (a reset on retry): whatever the previous trace did not have, by count.
    seen = Counter(previous)
    fresh = []
    for task in done:
        if seen[task.task_spec.bpmn_id]:
            seen[task.task_spec.bpmn_id] -= 1
        else:
            fresh.append(task)
    return fresh
