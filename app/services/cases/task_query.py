"""The staff task list's query: filters, search, sort and keyset pages over the task index (``human_task``).

A page's statements are as many whatever its size and depth: each tab's count, which stops at ``COUNT_LIMIT``
(the total is the open tab's), and the rows, with ticket, customer and holder joined in (no lazy loads while
rendering). Pages follow each other by keyset: the link to the next page carries the sort key of the last row
shown (``after``), so page 4,000 costs what page 1 costs, and every order walks an index
(``ix_human_task_ready_due`` / ``ix_human_task_ready_newest``; by priority, each priority in turn; one
person's, ``ix_human_task_held``).
The filter choices are cached for ``TASK_CHOICES_CACHE_SECONDS``.
"""
from __future__ import annotations

import base64
import json
import time as monotonic
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import String, and_, cast, false, func, literal, or_, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload

from app import clock
from app.extensions import db
from app.models import Customer, HumanTask, Team, Ticket, User
from app.services.accounts.permissions import scope_filter

SCOPES = ("mine", "team", "all")
SLA_STATES = ("overdue", "due_soon", "on_time")
SORTS = ("due", "priority", "newest")
PAGE_SIZES = (5, 10, 25, 50, 100)
COUNT_LIMIT = 1000  # the list says "more than 1,000" rather than count every visible task on each page
_RANKS = {"alta": 0, "media": 1, "baja": 2}


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
    after: str = ""  # the cursor: the sort key of the previous page's last row ("" for the first page)
    per_page: int = 25


@dataclass
class Page:
    items: list[HumanTask]
    total: int  # at most COUNT_LIMIT + 1
    per_page: int
    now: datetime
    due_soon_until: datetime
    next_after: str | None = None  # the cursor of the next page, None on the last
    first: bool = True  # no cursor given
    extra: dict = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # per tab, other filters applied (up to COUNT_LIMIT + 1)

    @property
    def total_is_lower_bound(self) -> bool:
        return self.total > COUNT_LIMIT

    def tab_count(self, scope: str) -> tuple[int, bool]:
        """A tab's count, and whether it is a lower bound (it stopped at ``COUNT_LIMIT``)."""
        count = self.counts.get(scope, 0)
        return min(count, COUNT_LIMIT), count > COUNT_LIMIT

    def sla_state(self, task: HumanTask) -> str | None:
        return sla_state(task.due_at, self.now, self.due_soon_until)


@dataclass(frozen=True)
class _Key:
    """One column of a sort key: the SQL expression, how to read it from a row and from a cursor."""
    column: Any
    read: Callable[[HumanTask], Any]
    parse: Callable[[Any], Any] = lambda value: value
    nullable: bool = False  # NULLs sort last


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


_DUE = _Key(HumanTask.due_at, lambda t: t.due_at, _utc, nullable=True)
_CREATED = _Key(HumanTask.created_at, lambda t: t.created_at, _utc)
_ID = _Key(HumanTask.id, lambda t: t.id, str)
_RANK = _Key(None, lambda t: _RANKS.get(t.priority, 3), int)  # in cursors only: _by_priority reads rank by rank
# sort -> (key columns, descending); the id makes every key unique
_SORT_KEYS: dict[str, tuple[list[_Key], bool]] = {
    "due": ([_DUE, _CREATED, _ID], False),
    "priority": ([_RANK, _DUE, _CREATED, _ID], False),
    "newest": ([_CREATED, _ID], True),
}


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
    base = filtered(user, query, now, soon)
    counts = _counts(user, query, now, soon)
    scope = query.scope if query.scope in SCOPES else "all"
    per_page = query.per_page if query.per_page in PAGE_SIZES else 25
    rows: list[HumanTask] = []
    # a second statement only when the first runs short; none for an empty tab ("Mine" of who holds nothing)
    for statement in page_statements(base, query.sort, query.after) if counts[scope] else ():
        rows += db.session.scalars(statement.options(
            contains_eager(HumanTask.ticket).contains_eager(Ticket.customer), joinedload(HumanTask.assignee))
            .limit(per_page + 1 - len(rows))).unique().all()
        if len(rows) > per_page:
            break
    items = list(rows[:per_page])
    sort = query.sort if query.sort in _SORT_KEYS else "due"
    return Page(items=items, total=counts[scope], per_page=per_page,
                now=now, due_soon_until=soon, next_after=cursor(sort, items[-1]) if len(rows) > per_page else None,
                first=_parse(sort, query.after) is None, extra=_choices(), counts=counts)


def filtered(user: User, query: TaskQuery, now: datetime, soon: datetime):
    """The tasks ``user`` sees that match ``query``'s filters and search, in no order."""
    return (select(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id)
            .join(Customer, Customer.id == Ticket.customer_id).where(*_conditions(user, query, now, soon)))


def page_statements(base, sort: str, after: str) -> list:
    """``base`` ordered by ``sort``'s key from the cursor ``after`` on (ignored if it is not one), as statements
    to read one after the other: a key that starts with a nullable column reads its values, then its NULLs, so
    that each part is a row-value comparison an index seeks to (an OR over NULLs would sort everything)."""
    sort = sort if sort in _SORT_KEYS else "due"
    values = _parse(sort, after)
    if sort == "priority":
        return _by_priority(base, values)
    return _statements(base, *_SORT_KEYS[sort], values)


def _by_priority(base, values: list | None) -> list:
    """The priority order as each priority in turn (three, then the tasks with none), each in the "due"
    order: every part walks an index in order (``ix_human_task_open_priority`` or the deadline's) and stops
    at the page's end, where ranking every visible task with a CASE sorted all of them."""
    buckets = [HumanTask.priority == name for name in _RANKS] + [
        or_(HumanTask.priority.is_(None), HumanTask.priority.not_in(list(_RANKS)))]
    if values and not 0 <= values[0] < len(buckets):
        values = None  # no rank of ours: from the top
    first = values[0] if values else 0
    statements = []
    for rank in range(first, len(buckets)):
        statements += _statements(base.where(buckets[rank]), *_SORT_KEYS["due"],
                                  values[1:] if values and rank == first else None)
    return statements


def _statements(base, keys: list[_Key], descending: bool, values: list | None) -> list:
    if not keys[0].nullable:
        return [_part(base, keys, values, descending)]
    head, rest = keys[0], keys[1:]
    present = base.where(head.column.is_not(None))
    missing = base.where(head.column.is_(None))
    if values is None:
        return [_part(present, [replace(head, nullable=False), *rest], None, descending),
                _part(missing, rest, None, descending)]
    if values[0] is None:
        return [_part(missing, rest, values[1:], descending)]
    return [_part(present, [replace(head, nullable=False), *rest], values, descending),
            _part(missing, rest, None, descending)]


def _part(base, keys: list[_Key], values: list | None, descending: bool):
    order = [k.column.desc() if descending else (k.column.asc().nulls_last() if k.nullable else k.column.asc())
             for k in keys]
    if values is not None:
        base = base.where(_after(keys, values, descending))
    return base.order_by(*order)


def cursor(sort: str, task: HumanTask) -> str:
    values = [k.read(task) for k in _SORT_KEYS[sort][0]]
    text = json.dumps([sort, *(v.isoformat() if isinstance(v, datetime) else v for v in values)])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _parse(sort: str, after: str) -> list | None:
    """The cursor's values, or None when there is none or it was made for another sort (or tampered with)."""
    if not after:
        return None
    keys = _SORT_KEYS[sort][0]
    try:
        name, *raw = json.loads(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
        if name != sort or len(raw) != len(keys):
            return None
        return [None if value is None else key.parse(value) for key, value in zip(keys, raw, strict=True)]
    except (ValueError, TypeError):
        return None


def _after(keys: list[_Key], values: list, descending: bool):
    """Rows whose key comes after ``values``: a row-value comparison where no NULL can occur (an index seek)."""
    if not keys:
        return false()
    if not any(k.nullable for k in keys) and None not in values:
        columns = tuple_(*(k.column for k in keys))
        bound = tuple_(*(literal(v, type_=k.column.type) for k, v in zip(keys, values, strict=True)))
        return columns < bound if descending else columns > bound
    key, value = keys[0], values[0]
    rest = _after(keys[1:], values[1:], descending)
    if value is None:  # within the NULLs, which sort last
        return and_(key.column.is_(None), rest)
    beyond = key.column < value if descending else key.column > value
    if key.nullable:
        beyond = or_(beyond, key.column.is_(None))
    return or_(beyond, and_(key.column == value, rest))


def _counts(user: User, query: TaskQuery, now: datetime, soon: datetime) -> dict[str, int]:
    """How many tasks each tab holds under the same filters (the page's total is its tab's), each count stopping
    at ``COUNT_LIMIT`` + 1, the three in one statement. A count reads only index entries: it selects a column
    every task index holds and joins the ticket and the customer only when a filter is on them (joined, each of
    the 1,001 entries cost two row lookups: counting was most of a page's statements' time)."""
    conditions = _conditions(user, query, now, soon)[2:]  # without status and scope

    def count(scope: str):
        tab = select(HumanTask.status).where(HumanTask.status == "ready", scope_filter(user, scope), *conditions)
        if query.q.strip() or query.channel:
            tab = tab.join(Ticket, Ticket.id == HumanTask.ticket_id).join(Customer, Customer.id == Ticket.customer_id)
        return select(func.count()).select_from(tab.limit(COUNT_LIMIT + 1).subquery()).scalar_subquery()

    return db.session.execute(select(*(count(scope).label(scope) for scope in SCOPES))).one()._asdict()


def _choices() -> dict:
    """What the filters offer: processes and tasks that have ready work, and the teams (two statements, cached
    for ``TASK_CHOICES_CACHE_SECONDS`` per process: they change rarely, and reading them scans the ready tasks)."""
    ttl = current_app.config["TASK_CHOICES_CACHE_SECONDS"]
    cached = current_app.extensions.get("task_list_choices")
    if ttl > 0 and cached and cached[0] > monotonic.monotonic():
        return cached[1]
    tasks = db.session.execute(select(HumanTask.process_id, HumanTask.task_name, HumanTask.title)
                               .where(HumanTask.status == "ready").distinct()).all()
    choices = {"processes": sorted({t.process_id for t in tasks}),
               "tasks": sorted({(t.task_name, t.title) for t in tasks}, key=lambda t: t[1]),
               "teams": [tuple(row) for row in db.session.execute(select(Team.code, Team.name).order_by(Team.name))]}
    current_app.extensions["task_list_choices"] = (monotonic.monotonic() + ttl, choices)
    return choices


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


def _local_midnight(day: date) -> datetime:
    """Dates are typed in the office's time zone; the index stores UTC."""
    zone = clock.OFFICE_TZ
    return datetime.combine(day, time.min, tzinfo=zone)
