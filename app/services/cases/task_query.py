"""The staff task list's query: filters, search, sort and pages over the task index (``human_task``).

A page is two statements whatever its size: a count and the rows, with ticket, customer and holder joined
in (no lazy loads while rendering).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, case, cast, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app import clock
from app.extensions import db
from app.models import Customer, HumanTask, Team, Ticket, User
from app.services.accounts.permissions import scope_filter

SCOPES = ("mine", "team", "all")
SLA_STATES = ("overdue", "due_soon", "on_time")
SORTS = ("due", "priority", "newest")
PAGE_SIZES = (5, 10, 25, 50, 100)
_PRIORITY_RANK = case({"alta": 0, "media": 1, "baja": 2}, value=HumanTask.priority, else_=3)


@dataclass
class TaskQuery:
    scope: str = "mine"
    q: str = ""  # ticket number, customer number, name or phone
    process: str = ""
    task: str = ""  # element id (task_name)
    priority: str = ""
    sla: str = ""
    team: str = ""
    channel: str = ""
    date_from: date | None = None  # the task became ready on or after
    date_to: date | None = None  # ... on or before
    sort: str = "due"
    page: int = 1
    per_page: int = 25


@dataclass
class Page:
    items: list[HumanTask]
    total: int
    page: int
    per_page: int
    now: datetime
    due_soon_until: datetime
    extra: dict = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # tasks per tab, with the other filters applied

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def sla_state(self, task: HumanTask) -> str | None:
        return sla_state(task.due_at, self.now, self.due_soon_until)


def sla_now(due_at: datetime | None) -> str | None:
    """The deadline state of one task, now: "overdue", "due_soon", "on_time" (None without deadline)."""
    now = clock.now()
    return sla_state(due_at, now, now + timedelta(hours=current_app.config["DUE_SOON_HOURS"]))


def sla_state(due_at: datetime | None, now: datetime, due_soon_until: datetime) -> str | None:
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    return "due_soon" if due_at < due_soon_until else "on_time"


def run(user: User, query: TaskQuery) -> Page:
    now = clock.now()
    soon = now + timedelta(hours=current_app.config["DUE_SOON_HOURS"])
    conditions = _conditions(user, query, now, soon)
    base = (select(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id)
            .join(Customer, Customer.id == Ticket.customer_id).where(*conditions))
    total = db.session.scalar(select(func.count()).select_from(base.with_only_columns(HumanTask.id).subquery()))
    per_page = query.per_page if query.per_page in PAGE_SIZES else 25
    page = min(max(query.page, 1), max(1, -(-total // per_page)))
    rows = db.session.scalars(
        base.options(contains_eager(HumanTask.ticket).contains_eager(Ticket.customer),
                     joinedload(HumanTask.assignee))
        .order_by(*_order(query.sort)).limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(rows), total=total, page=page, per_page=per_page, now=now, due_soon_until=soon,
                extra=_choices(), counts=_counts(user, query, now, soon))


def _counts(user: User, query: TaskQuery, now: datetime, soon: datetime) -> dict[str, int]:
    """How many tasks each tab holds under the same filters (one statement)."""
    conditions = _conditions(user, query, now, soon)[2:]  # without status and scope
    tabs = {scope: scope_filter(user, scope) for scope in SCOPES}
    row = db.session.execute(
        select(*[func.coalesce(func.sum(case((condition, 1), else_=0)), 0) for condition in tabs.values()])
        .select_from(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(HumanTask.status == "ready", or_(*tabs.values()), *conditions)).one()
    return dict(zip(tabs, (int(n) for n in row), strict=True))


def _choices() -> dict:
    """What the filters offer: processes and tasks that have ready work, and the teams (two statements)."""
    tasks = db.session.execute(select(HumanTask.process_id, HumanTask.task_name, HumanTask.title)
                               .where(HumanTask.status == "ready").distinct()).all()
    return {"processes": sorted({t.process_id for t in tasks}),
            "tasks": sorted({(t.task_name, t.title) for t in tasks}, key=lambda t: t[1]),
            "teams": db.session.execute(select(Team.code, Team.name).order_by(Team.name)).all()}


def _conditions(user: User, query: TaskQuery, now: datetime, soon: datetime) -> list:
    conditions = [HumanTask.status == "ready", scope_filter(user, query.scope if query.scope in SCOPES else "all")]
    equal = {HumanTask.process_id: query.process, HumanTask.task_name: query.task,
             HumanTask.priority: query.priority, HumanTask.candidate_team: query.team, Ticket.channel: query.channel}
    conditions += [column == value for column, value in equal.items() if value]
    if query.sla == "overdue":
        conditions.append(HumanTask.due_at < now)
    elif query.sla == "due_soon":
        conditions += [HumanTask.due_at >= now, HumanTask.due_at < soon]
    elif query.sla == "on_time":
        conditions.append(or_(HumanTask.due_at.is_(None), HumanTask.due_at >= soon))
    if query.date_from:
        conditions.append(HumanTask.created_at >= _local_midnight(query.date_from))
    if query.date_to:
        conditions.append(HumanTask.created_at < _local_midnight(query.date_to + timedelta(days=1)))
    if query.q.strip():
        conditions.append(_search(query.q.strip()))
    return conditions


def _search(text: str):
    digits = "".join(ch for ch in text if ch.isdigit())
    like = f"%{text.lower()}%"
    clauses = [func.lower(Ticket.number) == text.lower(), func.lower(Customer.number) == text.lower(),
               func.lower(Customer.name).like(like)]
    if len(digits) >= 4:  # a phone number, typed with or without spaces
        clauses += [Customer.phone.like(f"%{digits}%"), Ticket.contact_phone.like(f"%{digits}%"),
                    cast(Ticket.id, String) == digits.lstrip("0")]
    return or_(*clauses)


def _order(sort: str) -> list:
    due = [HumanTask.due_at.is_(None), HumanTask.due_at]
    if sort == "priority":
        return [_PRIORITY_RANK, *due, HumanTask.created_at]
    if sort == "newest":
        return [HumanTask.created_at.desc()]
    return [*due, _PRIORITY_RANK, HumanTask.created_at]


def _local_midnight(day: date) -> datetime:
    """Dates are typed in the office's time zone; the index stores UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)
