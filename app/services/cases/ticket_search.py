"""The ticket history (seed 004 §4): every case of every kind the user may see, filtered by any field, sorted,
paged, exported to CSV.

Text search ignores accents and case through the database: SQLite's FTS5 table ``ticket_fts`` (tokenizer
``unicode61 remove_diacritics 2``) and PostgreSQL's ``ticket_fts`` tsvectors of unaccented text, both kept by
triggers (migration b7e4f1a2c3d5). Every word typed must match the start of a word of the ticket's number,
customer (number, name, phone, e-mail), contact or description, in any order: "Lopez Maria" finds "María López".
A page is two statements: a count and the rows with customer, team and holder joined in.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, literal_column, or_, select, text
from sqlalchemy.orm import contains_eager, joinedload

from app import clock
from app.businesstime import ticket_clock
from app.extensions import db
from app.models import CaseStatus, Category, Customer, Team, Ticket, User
from app.services.accounts.permissions import ticket_visible_filter
from app.services.cases import categories, kinds

SORTS = ("newest", "oldest", "updated", "due", "priority", "number")
SLA_FILTERS = ("met", "breached", "running")
STATES = ("open", "closed")
PAGE_SIZES = (10, 25, 50, 100)
EXPORT_LIMIT = 50_000
MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class TicketQuery:
    """The filters; empty strings mean "any". Dates are days in the office's time zone (reported on)."""

    q: str = ""
    kind: str = ""
    status: str = ""  # a status code (the same code in several kinds matches them all)
    state: str = ""  # open | closed (by the kind's terminal statuses)
    category: str = ""  # a category code of any level: a level-1/2 node matches every leaf under it
    priority: str = ""
    channel: str = ""
    team: str = ""  # team code
    assignee: str = ""  # username
    customer: str = ""  # customer number
    sla: str = ""  # met | breached | running (the resolution target)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 25

    def filters(self) -> dict[str, str]:
        """The non-empty filters as query-string arguments (what a saved filter keeps)."""
        values = {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in asdict(self).items()
                  if k not in ("page", "per_page") and v not in ("", None)}
        if values.get("sort") == "newest":
            values.pop("sort")
        return values


FILTER_NAMES = tuple(f.name for f in fields(TicketQuery) if f.name not in ("page", "per_page"))


def parse_query(args) -> TicketQuery:
    """A query from query-string arguments; a malformed date or number is ignored, not an error."""
    values = {name: str(args.get(name, "")).strip() for name in FILTER_NAMES if str(args.get(name, "")).strip()}
    for name in ("date_from", "date_to"):
        values[name] = _date(values.get(name))
    return TicketQuery(**values, page=_int(args.get("page"), 1), per_page=_int(args.get("per_page"), 25))


@dataclass
class Row:
    ticket: Ticket
    sla: str | None  # on_time | warning | breached | paused (the resolution target), None without deadline


@dataclass
class Page:
    items: list[Row]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(user: User, query: TicketQuery) -> Page:
    now = clock.now()
    base = _base(user, query, now)
    total = db.session.scalar(select(func.count()).select_from(base.with_only_columns(Ticket.id).subquery()))
    per_page = query.per_page if query.per_page in PAGE_SIZES else 25
    page = min(max(query.page, 1), max(1, -(-total // per_page)))
    tickets = db.session.scalars(_with_rows(base).order_by(*_order(query.sort))
                                 .limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=[Row(t, _sla(t, now)) for t in tickets], total=total, page=page, per_page=per_page)


def customer_tickets(user: User, customer_number: str, limit: int = 10) -> list[Row]:
    """A caller's tickets for "Atender llamada": open ones first, then the most recent."""
    now = clock.now()
    base = _base(user, TicketQuery(customer=customer_number), now)
    tickets = db.session.scalars(_with_rows(base).order_by(_closed().asc(), Ticket.reported_at.desc(),
                                                           Ticket.id.desc()).limit(limit)).unique().all()
    return [Row(t, _sla(t, now)) for t in tickets]


def export_csv(user: User, query: TicketQuery) -> Iterator[str]:
    """The whole result (up to ``EXPORT_LIMIT`` rows) as CSV lines, header first, in the page's order."""
    now = clock.now()
    kind_labels = kinds.kind_labels()
    channels = kinds.channel_labels()
    statement = _with_rows(_base(user, query, now)).order_by(*_order(query.sort)).limit(EXPORT_LIMIT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        writer.writerow([_cell(v) for v in values])
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    yield line(CSV_HEADER)
    for ticket in db.session.scalars(statement.execution_options(yield_per=500)):
        yield line([ticket.number, kind_labels.get(ticket.kind, ticket.kind), ticket.status_label,
                    categories.leaf_label(ticket.category) or "", ticket.priority or "",
                    channels.get(ticket.channel, ticket.channel), ticket.team.name if ticket.team else "",
                    ticket.assignee.full_name if ticket.assignee else "", ticket.customer.number, ticket.customer.name,
                    _iso(ticket.reported_at), _iso(ticket.sla_due_at), _iso(ticket.closed_at),
                    _sla(ticket, now) or "", ticket.description])


CSV_HEADER = ("numero", "tipo", "estado", "categoria", "prioridad", "canal", "equipo", "responsable",
              "cliente", "nombre_cliente", "reportado", "vence_sla", "cerrado", "sla", "descripcion")


def filter_choices() -> dict:
    """What the filters offer: kinds, statuses (code → label, first kind wins), categories by level, teams,
    people who hold tickets."""
    statuses: dict[str, str] = {}
    for kind in kinds.all_kinds():
        for row in kind.statuses:
            statuses.setdefault(row.code, row.label)
    category_rows = db.session.scalars(select(Category).order_by(Category.level, Category.position, Category.id))
    return {"kinds": kinds.kind_labels(), "statuses": statuses,
            "categories": [(c.code, c.level, c.label) for c in _tree_order(list(category_rows))],
            "teams": db.session.execute(select(Team.code, Team.name).order_by(Team.name)).all(),
            "assignees": db.session.execute(
                select(User.username, User.full_name).where(User.active.is_(True)).order_by(User.full_name)).all()}


# -- the statement ----------------------------------------------------------------------------------------

def _base(user: User, query: TicketQuery, now: datetime):
    return (select(Ticket).join(Customer, Customer.id == Ticket.customer_id)
            .where(ticket_visible_filter(user), *_conditions(query, now)))


def _with_rows(base):
    return base.options(contains_eager(Ticket.customer), joinedload(Ticket.team), joinedload(Ticket.assignee))


def _conditions(query: TicketQuery, now: datetime) -> list:
    conditions = []
    equal = {Ticket.kind: query.kind, Ticket.status: query.status, _priority(): query.priority,
             Ticket.channel: query.channel, Customer.number: query.customer}
    conditions += [column == value for column, value in equal.items() if value]
    if query.team:
        conditions.append(Ticket.team.has(Team.code == query.team))
    if query.assignee:
        conditions.append(Ticket.assignee.has(User.username == query.assignee))
    if query.category:
        conditions.append(Ticket.category.in_(categories.codes_under(query.category)))
    if query.state == "open":
        conditions.append(~_closed())
    elif query.state == "closed":
        conditions.append(_closed())
    if query.sla in SLA_FILTERS:
        conditions.append(_sla_condition(query.sla, now))
    if query.date_from:
        conditions.append(Ticket.reported_at >= _local_midnight(query.date_from))
    if query.date_to:
        conditions.append(Ticket.reported_at < _local_midnight(query.date_to + timedelta(days=1)))
    if query.q.strip():
        conditions.append(_text_search(query.q.strip()))
    return conditions


def _priority():
    """The classified priority, or the one reported until classification (what the ticket page shows)."""
    return func.coalesce(Ticket.priority, Ticket.reported_priority)


def _closed():
    """The ticket is in a terminal status of its kind."""
    return exists().where(CaseStatus.kind_code == Ticket.kind, CaseStatus.code == Ticket.status,
                          CaseStatus.terminal.is_(True))


def _sla_condition(which: str, now: datetime):
    """The resolution target as ``ticket_clock.state`` reads it: met when done by the deadline; breached when
    done late, paused after it, or still running past it."""
    done = func.coalesce(Ticket.resolved_at, Ticket.closed_at)
    due = Ticket.sla_due_at
    if which == "met":
        return and_(due.is_not(None), done.is_not(None), done <= due)
    late = or_(and_(done.is_not(None), done > due),
               and_(done.is_(None), Ticket.sla_paused_at.is_not(None), Ticket.sla_paused_at >= due),
               and_(done.is_(None), Ticket.sla_paused_at.is_(None), due <= now))
    if which == "breached":
        return and_(due.is_not(None), late)
    return and_(due.is_not(None), done.is_(None), ~late)  # running


def _text_search(text_typed: str):
    """The words typed, each the start of a word of the ticket's search document (accents and case aside);
    also an exact ticket or customer number, or a phone number typed with spaces."""
    clauses = [func.lower(Ticket.number) == text_typed.lower(), func.lower(Customer.number) == text_typed.lower()]
    digits = "".join(ch for ch in text_typed if ch.isdigit())
    if len(digits) >= 4 and len(digits) == len(re.sub(r"[\s\-()+.]", "", text_typed)):
        # a phone number typed in groups ("449 100 0001"): its groups are no words to look for one by one
        return or_(*clauses, Customer.phone.like(f"%{digits}%"), Ticket.contact_phone.like(f"%{digits}%"),
                   Ticket.id.in_(_fts_ids([digits])))
    words = _WORD.findall(text_typed)[:MAX_WORDS]
    if words:
        clauses.append(Ticket.id.in_(_fts_ids(words)))
    return or_(*clauses)


def _fts_ids(words: list[str]):
    if db.engine.dialect.name == "postgresql":
        terms = " & ".join(f"{w}:*" for w in words)  # \w+ words: no tsquery operators can get in
        return (select(literal_column("ticket_id")).select_from(text("ticket_fts"))
                .where(text("document @@ to_tsquery('simple', unaccent(:terms))").bindparams(terms=terms)))
    terms = " ".join(f'"{w}"*' for w in words)  # quoted FTS5 strings: implicit AND of prefixes
    return (select(literal_column("rowid")).select_from(text("ticket_fts"))
            .where(text("ticket_fts MATCH :terms").bindparams(terms=terms)))


def _order(sort: str) -> list:
    if sort == "oldest":
        return [Ticket.reported_at, Ticket.id]
    if sort == "updated":
        return [Ticket.updated_at.desc(), Ticket.id.desc()]
    if sort == "due":
        return [Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.id]
    if sort == "priority":
        rank = case({"alta": 0, "media": 1, "baja": 2}, value=_priority(), else_=3)
        return [rank, Ticket.reported_at.desc(), Ticket.id.desc()]
    if sort == "number":
        return [Ticket.number, Ticket.id]
    return [Ticket.reported_at.desc(), Ticket.id.desc()]


# -- helpers -----------------------------------------------------------------------------------------------

def _tree_order(rows: list[Category]) -> list[Category]:
    by_parent: dict[int | None, list[Category]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    ordered: list[Category] = []

    def walk(parent_id):
        for row in by_parent.get(parent_id, []):
            ordered.append(row)
            walk(row.id)

    walk(None)
    return ordered


def _sla(ticket: Ticket, now: datetime) -> str | None:
    return ticket_clock.state(ticket, now).resolution.status


def _cell(value) -> str:
    """A spreadsheet never runs a cell as a formula (a description is anyone's text)."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _local_midnight(day: date) -> datetime:
    zone = clock.OFFICE_TZ
    return datetime.combine(day, time.min, tzinfo=zone)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default
