"""Rows a step appends (timeline lines, outbox messages, inbox notifications, task-index rows) written as one
insert per table, without building an ORM object for each.

A workflow step writes a dozen such rows and reads none of them back as objects; through the unit of work each
cost an object, its bookkeeping and a flush of its own. Here a row is a plain ``Appended`` (its table and its
values) kept in ``session.info`` until something could read it: before any other statement of the session
runs (with the ORM's pending changes flushed first, as autoflush would, so rows keep the order they were made
in) that names one of their tables (or no table: text), before commit, or when its ``id`` is asked for. The
same transaction therefore reads them as if they had been flushed, and a step's rows of a table go in one
statement. A savepoint rolled back takes back what was appended (or changed) inside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, event, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from app.extensions import db

_KEY = "appended"


class Appended:
    """A row to insert. A row ``kept`` (its caller holds it) learns its id when written: ``update`` changes it
    before (no statement) or after (an UPDATE), ``id`` writes what is appended so far when it is not written."""

    __slots__ = ("table", "values", "kept", "_id")

    def __init__(self, table: Table, values: dict, kept: bool):
        self.table, self.values, self.kept, self._id = table, values, kept, None

    @property
    def id(self) -> int:
        if self._id is None:
            drain(db.session())
        return self._id

    def update(self, **values) -> None:
        self.values = {**self.values, **values}  # a new dict: a savepoint's mark keeps the one it saw
        if self._id is not None:
            db.session.execute(update(self.table).where(self.table.c.id == self._id).values(**values))


@dataclass
class _Buffer:
    rows: list[Appended] = field(default_factory=list)  # everything appended in this transaction, in order
    written: int = 0  # how many of ``rows`` are in the database
    marks: dict = field(default_factory=dict)  # savepoint -> what to go back to if it is rolled back
    draining: bool = False


def append(model, *, kept: bool = False, **values) -> Appended:
    """Insert a row of ``model``'s table with the step's others; ``kept`` when the caller will change it or ask
    for its id (its insert returns the ids: on SQLite one statement per row)."""
    row = Appended(model.__table__, values, kept)
    _buffer(db.session()).rows.append(row)
    return row


def _buffer(session: Session) -> _Buffer:
    return session.info.setdefault(_KEY, _Buffer())  # an object: runtime._replayable's copy of info shares it


def drain(session: Session) -> None:
    buffer = session.info.get(_KEY)
    if buffer is None or buffer.written == len(buffer.rows) or buffer.draining:
        return
    buffer.draining = True
    try:
        if session.autoflush:
            session.flush()  # what the ORM holds was made before: it goes first, as an autoflush would write it
        pending = buffer.rows[buffer.written:]
        buffer.written = len(buffer.rows)
        for batch in _batches(pending):
            table, params = batch[0].table, [row.values for row in batch]
            if not batch[0].kept:
                session.execute(insert(table), params)  # one executemany
                continue
            ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                  params).scalars().all()
            for row, row_id in zip(batch, ids, strict=True):
                row._id = row_id
    finally:
        buffer.draining = False


def _batches(rows: list[Appended]) -> list[list[Appended]]:
    """One insert per table, set of columns and ``kept``, in the order their first row was appended."""
    batches: dict[tuple, list[Appended]] = {}
    for row in rows:
        batches.setdefault((row.table.name, row.kept, *row.values), []).append(row)
    return list(batches.values())


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state) -> None:
    buffer = state.session.info.get(_KEY)
    if buffer is not None and buffer.written < len(buffer.rows) and not buffer.draining:
        names = _tables(state.statement)
        if not names or any(row.table.name in names for row in buffer.rows[buffer.written:]):
            drain(state.session)


_TABLES: dict = {}  # statement shape -> the tables it names


def _tables(statement) -> frozenset[str]:
    # The cache key is the one SQLAlchemy computes (and keeps on the statement) to find its compiled SQL: the
    # same shape names the same tables, and walking a statement costs more than the step's inserts save.
    key = statement._generate_cache_key()
    names = _TABLES.get(key.key) if key is not None else None
    if names is None:
        names = frozenset(t.name for t in find_tables(statement, include_aliases=True, include_joins=True,
                                                         include_crud=True))
        if key is not None:
            if len(_TABLES) > 5000:
                _TABLES.clear()
            _TABLES[key.key] = names
    return names


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    if not session.in_nested_transaction():  # releasing a savepoint needs nothing written
        drain(session)


@event.listens_for(Session, "after_transaction_create")
def _mark(session, transaction) -> None:
    buffer = session.info.get(_KEY)
    if transaction.nested and buffer is not None:
        buffer.marks[transaction] = (len(buffer.rows), buffer.written,
                                     [(row, row.values, row._id) for row in buffer.rows[buffer.written:]])


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:
    buffer = session.info.get(_KEY)
    if buffer is None or not previous_transaction.nested:  # the outer transaction's end drops the buffer
        return
    mark = buffer.marks.pop(previous_transaction, None)
    if mark is None:  # nothing was appended before the savepoint began
        mark = (0, 0, [])
    count, written, pending = mark
    del buffer.rows[count:]
    buffer.written = min(buffer.written, written)  # rows written inside the savepoint are gone with it
    for row, values, row_id in pending:
        row.values, row._id = values, row_id


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)
