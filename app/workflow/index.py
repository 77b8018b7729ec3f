"""Keep the task index (``human_task``), the next timer and the awaited message in step with an instance.

Task lists, dashboards, the timer sweep and message delivery read these rows and never deserialize a
workflow.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select

from app import signals
from app.extensions import db
from app.models import HumanTask, User, appended
from app.workflow.engine import SCRIPT_ENGINE
from app.workflow.sandbox import render_template
from app.workflow.sandbox_process import ScriptBudgetExceeded

log = logging.getLogger(__name__)

PROPERTY_EXPRESSIONS = {"candidate_team": "candidateTeam", "assignee": "assignee", "due_at": "dueAt",
                        "excluded_user": "excludedUser"}


def sync_index(instance, workflow, ticket, *, fresh: bool = False) -> None:
    """``fresh``: the instance was inserted in this transaction and saved for the first time now; only this
    function makes task rows, so it has none to read."""
    # Everything is set before the one flush that follows, so the instance row is written once.
    instance.next_timer_due, instance.waiting_message = _waiting(workflow)
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    indexed = {}
    if not fresh:
        # Without autoflush the query reads what is flushed: a row completed in this session but not flushed
        # yet comes back as ready, and keeps the status it has in memory.
        with db.session.no_autoflush:
            indexed = {row.id: row for row in db.session.scalars(
                select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "ready"))}
    for task_id, row in indexed.items():
        if task_id not in ready and row.status == "ready":  # interrupted (boundary timer) or the instance ended
            row.status = "cancelled"
    for task_id, task in ready.items():
        if task_id not in indexed:
            values = _new_row(instance, task, ticket)
            appended.append(HumanTask, **values)  # written with the step's other rows, no object in the session
            signals.task_ready.send(ticket, task=HumanTask(**values))  # the row as it will read


# What a task's row takes from its definition, refreshed when its instance moves to another version.
DEFINED_COLUMNS = ("task_name", "title", "lane", "candidate_team", "excluded_user_id", "form", "instructions",
                   "due_at")


def refresh_ready(instance, workflow, ticket) -> None:
    """After a migration: a ready task that kept its id takes its new definition (a claim on it stays)."""
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    for row in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                          HumanTask.status == "ready")):
        task = ready.get(row.id)
        if task is not None:
            fresh = _new_row(instance, task, ticket)
            for column in DEFINED_COLUMNS:
                setattr(row, column, fresh[column])
            row.process_id, row.assignee_id = fresh["process_id"], row.assignee_id or fresh["assignee_id"]


def _new_row(instance, task, ticket) -> dict:
    """The columns of a ready task's row."""
    spec = task.task_spec
    props = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
    values = {field: _evaluate(task, props.get(prop)) for field, prop in PROPERTY_EXPRESSIONS.items()}
    return {
        "id": str(task.id),
        "instance_id": instance.id,
        "ticket_id": ticket.id,
        "process_id": instance.process_version.process_id,
        "task_name": spec.bpmn_id,
        "title": spec.bpmn_name or spec.bpmn_id,
        "lane": spec.lane,
        "candidate_team": values["candidate_team"],
        "assignee_id": _user_id(values["assignee"]),
        "excluded_user_id": _user_id(values["excluded_user"]),
        "form": props.get("formJsonSchemaFilename"),
        "instructions": _instructions(task),
        "priority": ticket.priority,
        "due_at": _as_datetime(values["due_at"]),
    }


def _user_id(username) -> int | None:
    if not username:
        return None
    with db.session.no_autoflush:  # users exist already; flushing the instance here would write its row twice
        return db.session.scalar(select(User.id).where(User.username == username))


def _instructions(task) -> str | None:
    """The task's instructions, rendered once with its data (sandboxed Jinja: analysts write them)."""
    template = getattr(task.task_spec, "extensions", {}).get("instructionsForEndUser")
    if not template:
        return None
    try:
        return render_template(template, task.data)
    except ScriptBudgetExceeded as err:
        raise WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err) from err
    except Exception as err:  # a template error (or one of its expressions failing): show it unrendered
        log.warning("instructions of %s do not render: %s", task.task_spec.bpmn_id, err)
        return template


def _evaluate(task, expression):
    if not expression:
        return None
    value = SCRIPT_ENGINE.evaluate(task, expression)
    return value or None


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _waiting(workflow) -> tuple[datetime | None, str | None]:
    due, message = [], None
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):  # cycle timer
                value = value.get("next")
            if value:
                due.append(_as_datetime(value))
        elif isinstance(definition, MessageEventDefinition) and message is None:
            message = definition.name
    return (min(due) if due else None), message
