"""Reference data kept across transactions: kinds and statuses of case, business calendars, SLA pause statuses,
the category taxonomy's choices.

Handlers read these rows at every status change, timeline line and mail, and an admin edits them a few
times a year. Each process keeps what it read in a cache stamped with ``reference_version.version``:

- The first cached lookup of a transaction reads the stamp (one small SELECT); a newer stamp than the
  cache's drops the cache. So another process's edit counts from this process's next transaction after the
  edit's commit, as it did when every transaction read the rows afresh.
- Every write to a reference table through the session bumps the stamp in the writing transaction: ORM
  changes at flush, INSERT/UPDATE/DELETE statements when the session runs them. From its first write to its
  end, that transaction reads the rows directly (its own uncommitted edits), and so does a session holding
  unflushed changes to a reference row.
- Writes that bypass the session (a migration, psql) must bump the stamp too, or restart the processes.

Cached values are immutable (``Row`` tuples, frozen dataclasses): a row to edit is read from the session.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import DDL, Integer, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

T = TypeVar("T")

TABLES = frozenset({"case_kind", "case_status", "business_calendar", "business_hours", "calendar_day_off",
                    "sla_pause_status", "category"})


class ReferenceVersion(db.Model):
    """One row: bumped by every transaction that writes a reference table."""

    __tablename__ = "reference_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


event.listen(ReferenceVersion.__table__, "after_create",
             DDL("INSERT INTO reference_version (id, version) VALUES (1, 0)"))

# (stamp, values) of this process, replaced as a whole when a newer stamp is seen (threads share it).
_shared: tuple[int, dict] = (-1, {})
_STAMP = select(ReferenceVersion.__table__.c.version).where(ReferenceVersion.__table__.c.id == 1)
_VALUES = "reference_values"  # session.info: the values this transaction may use
_WROTE = "reference_written"  # session.info: this transaction wrote reference rows


def cached(key: tuple, load: Callable[[], T]) -> T:
    """``load()``, kept under ``key`` while the reference tables are unchanged. ``load`` must read the
    database with autoflush off and return an immutable value built from committed rows only."""
    session = db.session()
    values = session.info.get(_VALUES)
    if values is None:
        if session.info.get(_WROTE) or _pending_edit(session):
            with session.no_autoflush:
                return load()
        values = session.info[_VALUES] = _values_for(session)
    try:
        return values[key]
    except KeyError:
        with session.no_autoflush:
            value = values[key] = load()
        return value


def _values_for(session: Session) -> dict:
    global _shared
    stamp = session.connection().execute(_STAMP).scalar()  # Core: no autoflush, no ORM round trip
    if stamp is None:  # the row is missing: nothing can be trusted across transactions
        return {}
    current, values = _shared
    if stamp == current:
        return values
    if stamp < current:  # a transaction older than the cache: keep its reads to itself
        return {}
    values = {}
    _shared = (stamp, values)
    return values


def _pending_edit(session: Session) -> bool:
    return any(getattr(obj, "__tablename__", None) in TABLES
               for objects in (session.new, session.dirty, session.deleted) for obj in objects)


def _bump(session: Session) -> None:
    session.info[_WROTE] = True
    session.info.pop(_VALUES, None)
    session.connection().execute(update(ReferenceVersion.__table__).where(ReferenceVersion.id == 1)
                                 .values(version=ReferenceVersion.version + 1))


@event.listens_for(Session, "before_flush")
def _on_flush(session, _context, _instances) -> None:
    if not session.info.get(_WROTE) and _pending_edit(session):
        _bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if state.session.info.get(_WROTE) or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TABLES:
        _bump(state.session)


@event.listens_for(Session, "after_transaction_end")
def _end(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_VALUES, None)
        session.info.pop(_WROTE, None)
