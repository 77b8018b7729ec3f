"""The task list and working a task: claim, release, reassign, complete."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.i18n import _
from app.models import HumanTask, Ticket, User
from app.services import forms
from app.services.permissions import CUSTOMER_ROLE, lane_role, may_work, visible_filter
from app.services.transaction import transaction
from app.workflow import runtime


@dataclass
class TaskFilter:
    ticket: str | None = None
    lane: str | None = None
    team: str | None = None
    assignee: str | None = None
    status: str = "ready"
    limit: int = 100
    offset: int = 0


def list_tasks(user: User, flt: TaskFilter) -> list[HumanTask]:
    query = (select(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id)
             .where(HumanTask.status == flt.status, visible_filter(user))
             .options(joinedload(HumanTask.ticket), joinedload(HumanTask.assignee)))
    if flt.ticket:
        query = query.where(Ticket.number == flt.ticket)
    if flt.lane:
        query = query.where(HumanTask.lane == flt.lane)
    if flt.team:
        query = query.where(HumanTask.candidate_team == flt.team)
    if flt.assignee:
        assignee = db.session.scalar(select(User.id).where(User.username == flt.assignee))
        query = query.where(HumanTask.assignee_id == assignee)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    return list(db.session.scalars(query.limit(min(flt.limit, 500)).offset(flt.offset)).unique())


def get_task(task_id: str, user: User) -> HumanTask:
    task = db.session.scalar(select(HumanTask).where(HumanTask.id == task_id, visible_filter(user)))
    if task is None:
        raise NotFound(_("Task not found."))
    return task


def form_schema(task: HumanTask) -> dict:
    return forms.load_schema(task.form)


def claim(task_id: str, user: User) -> HumanTask:
    with transaction():
        task = _ready_task_for_update(task_id, user)
        _check_may_work(user, task)
        if task.assignee_id not in (None, user.id):
            raise Conflict(_("%(name)s already holds this task.", name=task.assignee.full_name))
        task.assignee_id = user.id
    return task


def release(task_id: str, user: User) -> HumanTask:
    with transaction():
        task = _ready_task_for_update(task_id, user)
        if task.assignee_id != user.id and not user.has_role("supervisor"):
            raise Forbidden(_("Only who holds the task or a supervisor may release it."))
        task.assignee_id = None
    return task


def complete_task(task_id: str, data, user: User, on_behalf_of: str | None = None) -> HumanTask:
    """Validate ``data`` against the task's form and complete it; exactly one of two racing calls wins."""
    with transaction():
        task = _ready_task_for_update(task_id, user)
        _check_may_work(user, task)
        if task.assignee_id not in (None, user.id) and not user.has_role("supervisor"):
            raise Conflict(_("%(name)s holds this task.", name=task.assignee.full_name))
        if lane_role(task.lane) == CUSTOMER_ROLE:
            on_behalf_of = on_behalf_of or task.ticket.customer.name
        forms.validate(task.form, data)
        runtime.complete_task(task, data, user, on_behalf_of)
    return task


def _ready_task_for_update(task_id: str, user: User) -> HumanTask:
    task = db.session.scalar(select(HumanTask).where(HumanTask.id == task_id).with_for_update())
    if task is None or not db.session.scalar(
            select(HumanTask.id).where(HumanTask.id == task_id, visible_filter(user))):
        raise NotFound(_("Task not found."))
    if task.status != "ready":
        who = task.completed_by.full_name if task.completed_by else _("the process")
        raise Conflict(_("This task was already completed by %(who)s.", who=who))
    return task


def _check_may_work(user: User, task: HumanTask) -> None:
    if not may_work(user, task):
        raise Forbidden(_("You may not work tasks of the lane %(lane)s.", lane=task.lane or "-"))

