"""The task list and working a task: claim, release, reassign, complete."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import HumanTask, Ticket, User, WorkflowInstance
from app.services.accounts.permissions import CUSTOMER_ROLE, lane_role, may_reassign, may_work, visible_filter
from app.services.cases import attachment_service, inbox_service, task_query
from app.services.control import audit_service
from app.services.incidents import panel
from app.services.processes import forms
from app.services.transaction import keep, transaction
from app.services.visits import booking
from app.services.visits import slots as visit_slots
from app.workflow import runtime

ATTACHMENT_PREFIX = "attachment:"  # a file field's value once its upload is kept


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
    return forms.task_schema(task)


def visit_slots_of(task: HumanTask) -> list[visit_slots.Slot] | None:
    """The free slots a ready appointment task offers (``None``: not such a task, or no longer ready)."""
    return visit_slots.offer(task.ticket, form_schema(task)) if task.status == "ready" else None


def claim(task_id: str, user: User) -> HumanTask:
    with transaction():
        task = _ready_task_for_update(task_id, user)
        _check_may_work(user, task)
        if task.assignee_id not in (None, user.id):
            raise Conflict(_("%(name)s already holds this task.", name=task.assignee.full_name))
        if task.assignee_id is None:
            audit_service.record("task_claimed", user, _task_target(task))
        task.assignee_id = user.id
        task.claimed_at = task.claimed_at or clock.now()  # his work starts: what the task's cost counts from
    return task


def release(task_id: str, user: User) -> HumanTask:
    with transaction():
        task = _ready_task_for_update(task_id, user)
        if task.assignee_id != user.id and not user.has_role("supervisor"):
            raise Forbidden(_("Only who holds the task or a supervisor may release it."))
        if task.assignee_id is not None:
            audit_service.record("task_released", user, _task_target(task),
                                 {"assignee": [task.assignee.username, None]})
        task.assignee_id, task.claimed_at = None, None
    return task


def complete_task(task_id: str, data, user: User, on_behalf_of: str | None = None, *,
                  uploads: dict[str, tuple[str, bytes]] | None = None) -> HumanTask:
    """Validate ``data`` against the task's form and complete it; exactly one of two racing calls wins.

    ``uploads`` are the files of the form's file fields ({field: (file name, bytes)}): kept as the ticket's
    attachments, and the field holds ``attachment:<id>`` (task data stays small and JSON)."""
    with transaction():
        task, instance = _task_to_complete(task_id, user)
        _check_may_work(user, task)
        if task.assignee_id not in (None, user.id) and not user.has_role("supervisor"):
            raise Conflict(_("%(name)s holds this task.", name=task.assignee.full_name))
        # Only a customer's step is done on someone's behalf; staff work is always the actor's own.
        on_behalf_of = (on_behalf_of or task.ticket.customer.name) if lane_role(task.lane) == CUSTOMER_ROLE else None
        if uploads and isinstance(data, dict):
            data = {**data, **{field: name for field, (name, _bytes) in uploads.items()}}
        forms.validate_task(task, data, instance.process_version_id)
        for field, (name, content) in (uploads or {}).items():
            stored = attachment_service.store(task.ticket, name, content, source="staff", actor=user)
            db.session.flush()
            data[field] = f"{ATTACHMENT_PREFIX}{stored.id}"
        runtime.hold_read(instance)
        runtime.complete_task(task, data, user, on_behalf_of)
        _keep_answered(task)
    return task


def _keep_answered(task: HumanTask) -> None:
    """What the API's answer reads of a task (``TaskSchema``: its columns, its ticket's number, its holder and
    who completed it) kept through the commit: the answer then needs no statement (a re-read took one)."""
    db.session.flush()
    # By their keys, not through the relationships: one loaded before its key changed (``completed_by``, None
    # while the task was ready) would name the old row. Found in the session: no statement.
    for name, model, key in (("ticket", Ticket, task.ticket_id), ("assignee", User, task.assignee_id),
                             ("completed_by", User, task.completed_by_id)):
        row = db.session.get(model, key) if key is not None else None
        set_committed_value(task, name, row)
        keep(row)
    keep(task)


def _ready_task_for_update(task_id: str, user: User) -> HumanTask:
    return _ready(db.session.scalar(_for_update(task_id, user)))


def _task_to_complete(task_id: str, user: User) -> tuple[HumanTask, WorkflowInstance]:
    """The task locked as ``_ready_task_for_update`` locks it, with what completing it reads next in the same
    statement: its ticket and customer (the form's kind and choices, a customer step's name) and its workflow
    instance with its process version (which form validates the data), locked with it as the runtime's ``load``
    would lock it a moment later."""
    row = db.session.execute(
        _for_update(task_id, user).add_columns(WorkflowInstance)
        .join(WorkflowInstance, WorkflowInstance.id == HumanTask.instance_id)
        .options(joinedload(HumanTask.ticket).joinedload(Ticket.customer),
                 joinedload(WorkflowInstance.process_version, innerjoin=True))
        .with_for_update(of=(HumanTask, WorkflowInstance))).first()
    return _ready(row[0] if row else None), row[1]


def _for_update(task_id: str, user: User):
    return (select(HumanTask).where(HumanTask.id == task_id, visible_filter(user))
            .with_for_update(of=HumanTask))


def _ready(task: HumanTask | None) -> HumanTask:
    if task is None:
        raise NotFound(_("Task not found."))
    if task.status != "ready":
        who = task.completed_by.full_name if task.completed_by else _("the process")
        raise Conflict(_("This task was already completed by %(who)s.", who=who))
    return task


def _task_target(task: HumanTask) -> str:
    return f"{task.ticket.number} · {task.title}"


def _check_may_work(user: User, task: HumanTask) -> None:
    if task.excluded_user_id is not None and task.excluded_user_id == user.id:
        raise Forbidden(_("You may not decide this task: you created this case."))
    if not may_work(user, task):
        raise Forbidden(_("You may not work tasks of the lane %(lane)s.", lane=task.lane or "-"))



# --- The staff workspace -------------------------------------------------------------------------------


@dataclass
class TaskPage:
    """What the task page shows beside the form: the ticket and what earlier steps gathered."""

    task: HumanTask
    schema: dict
    ticket: Ticket
    earlier: list[tuple[HumanTask, dict]]  # completed steps of the ticket with their form's schema
    on_behalf_of: str | None  # set when the caller completes a customer-lane task for the customer
    may_work: bool
    may_reassign: bool
    candidates: list[User]
    sla: str | None  # overdue | due_soon | on_time
    incident: panel.IncidentPanel | None = None  # an incident's device, level and similar resolved incidents
    prefill: dict = field(default_factory=dict)  # form values taken from the case's work
    slots: list[visit_slots.Slot] | None = None  # an appointment form's free slots (the visit team's agenda)
    visit: booking.BookedVisit | None = None  # the on-site visit, booked or made
    # Why the page shows no form (completed | cancelled | held | excluded | not_allowed), or None: a form
    # drawn for a task one cannot complete would only lose what is typed into it.
    read_only: str | None = None


def search_tasks(user: User, query: task_query.TaskQuery) -> task_query.Page:
    """The staff task list: one page of the tasks ``user`` may see, filtered, searched and sorted."""
    return task_query.run(user, query)


def task_page(task_id: str, user: User) -> TaskPage:
    task = get_task(task_id, user)
    earlier = list(db.session.scalars(
        select(HumanTask).where(HumanTask.ticket_id == task.ticket_id, HumanTask.status == "completed")
        .options(joinedload(HumanTask.completed_by)).order_by(HumanTask.completed_at)))
    customer_lane = lane_role(task.lane) == CUSTOMER_ROLE
    schema = forms.task_schema(task)
    return TaskPage(task=task, schema=schema, ticket=task.ticket,
                    earlier=[(t, forms.task_schema(t)) for t in earlier],
                    on_behalf_of=task.ticket.customer.name if customer_lane else None,
                    may_work=may_work(user, task), may_reassign=may_reassign(user),
                    candidates=_candidates(task) if may_reassign(user) else [], sla=task_query.sla_now(task.due_at),
                    incident=panel.of(task.ticket), prefill=panel.prefill(task.ticket, schema),
                    slots=visit_slots.offer(task.ticket, schema) if task.status == "ready" else None,
                    visit=booking.of_ticket(task.ticket), read_only=read_only_reason(task, user))


def read_only_reason(task: HumanTask, user: User) -> str | None:
    """Why ``user`` gets the task's values instead of its form, or None when he may complete it now
    (the same rules ``complete_task`` enforces)."""
    if task.status != "ready":
        return task.status  # completed | cancelled
    if task.excluded_user_id is not None and task.excluded_user_id == user.id:
        return "excluded"
    if not may_work(user, task):
        return "not_allowed"
    if task.assignee_id not in (None, user.id) and not user.has_role("supervisor"):
        return "held"
    return None


def reassign(task_id: str, username: str, actor: User) -> HumanTask:
    """A supervisor hands a ready task to someone who may work it; the new holder is told in his inbox."""
    if not may_reassign(actor):
        raise Forbidden(_("Only a supervisor may reassign tasks."))
    with transaction():
        task = _ready_task_for_update(task_id, actor)
        target = db.session.scalar(select(User).where(User.username == username, User.active))
        if target is None or not may_work(target, task):
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"assignee": [_("This person may not work this task.")]})
        audit_service.record("task_reassigned", actor, _task_target(task),
                             {"assignee": [task.assignee.username if task.assignee else None, target.username]})
        task.assignee_id = target.id
        if target.id != actor.id:
            inbox_service.notify(target, "task_assigned", _("%(actor)s assigned you the task %(task)s of ticket "
                                                            "%(number)s.", actor=actor.full_name, task=task.title,
                                                            number=task.ticket.number), ticket=task.ticket)
    return task


def _candidates(task: HumanTask) -> list[User]:
    """Active staff who may work ``task``: whom a supervisor may hand it to."""
    users = db.session.scalars(select(User).where(User.active).options(joinedload(User.teams))
                               .order_by(User.full_name)).unique()
    return [u for u in users if may_work(u, task)]
