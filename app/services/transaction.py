"""The one way a use case commits."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import inspect
from sqlalchemy.orm import MANYTOONE
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict
from app.extensions import db
from app.i18n import _
from handlers.outbox import SCOPE

# True while a use case's transaction is open in this thread (or task): the database connection it begins
# is a write transaction. SQLite reads that to begin with ``BEGIN IMMEDIATE`` (the write lock, waited for
# under busy_timeout) instead of a deferred ``BEGIN`` that any number of readers share (app/__init__.py).
writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def transaction():
    """Commit what the block did, or roll all of it back (domain rows, workflow state, index, outbox).

    A use case called from inside another one joins the outer transaction: only the outermost block
    commits. A concurrent advance of the same instance surfaces as ``Conflict``.
    """
    if db.session.info.get("in_transaction"):
        yield db.session
        return
    db.session.info["in_transaction"] = True
    intent = writing.set(True)
    try:
        _end_read_snapshot()
        yield db.session
        _commit(db.session.info.pop(_KEPT, None))
        for callback in db.session.info.pop("after_commit", {}).values():
            callback()
        if db.session.info.pop("outbox_written", False):
            from app.jobs import kick_outbox

            kick_outbox()  # delivery is asynchronous; the periodic sweep catches anything this misses
    except StaleDataError:
        db.session.rollback()
        db.session.info.pop("outbox_written", None)
        db.session.info.pop("after_commit", None)
        db.session.info.pop(_KEPT, None)
        raise Conflict(_("Someone else changed this ticket at the same time. Reload and try again.")) from None
    except BaseException:
        db.session.rollback()
        db.session.info.pop("outbox_written", None)
        db.session.info.pop("after_commit", None)
        db.session.info.pop(_KEPT, None)
        raise
    finally:
        writing.reset(intent)
        db.session.info.pop("in_transaction", None)
        db.session.info.pop(SCOPE, None)


_KEPT = "kept_after_commit"


def keep(*rows) -> None:
    """Read ``rows`` after this transaction's commit as the transaction leaves them, without a statement: the
    commit expires every row of the session (the next read of one re-reads it), these get back the values they
    held once everything was flushed, which are the values committed.

    Only for rows the block changed through the ORM or not at all: a Core UPDATE of one would leave it stale
    (tests/api/test_request_reads.py compares a completion's answer with the committed row). Outside a
    transaction, nothing to do."""
    if db.session.info.get("in_transaction"):
        db.session.info.setdefault(_KEPT, []).extend(row for row in rows if row is not None)


def _commit(kept: list | None) -> None:
    session = db.session()
    if not kept:
        session.commit()
        return
    session.flush()  # the commit's own flush, before the values are taken: what they hold is what it writes
    values = [(row, _loaded(row)) for row in kept]
    session.commit()
    for row, loaded in values:
        for key, value in loaded.items():
            set_committed_value(row, key, value)


def _loaded(row) -> dict:
    """``row``'s loaded columns and the many-to-one references that agree with their key. A reference loaded
    before its foreign key changed still names the old row: left out, it loads again by its key when read."""
    state = inspect(row)
    mapper, loaded = state.mapper, state.dict
    values = {prop.key: loaded[prop.key] for prop in mapper.column_attrs if prop.key in loaded}
    for rel in mapper.relationships:
        if rel.direction is not MANYTOONE or rel.key not in loaded or len(rel.local_columns) != 1:
            continue
        key = values.get(mapper.get_property_by_column(next(iter(rel.local_columns))).key, _ABSENT)
        target = loaded[rel.key]
        if (target is None and key is None) or (target is not None and inspect(target).identity == (key,)):
            values[rel.key] = target
    return values


_ABSENT = object()


def _end_read_snapshot() -> None:
    """End a read transaction the request began before this use case (loading the user, say).

    On SQLite a deferred read transaction cannot be upgraded to a write once another connection has
    committed since its snapshot ("database is locked" at once, whatever busy_timeout says), so the use
    case starts afresh with the write lock. Objects read before are expired and re-read inside it.
    """
    session = db.session()
    pending = session.new or session.dirty or session.deleted  # changes meant for this use case: keep them in
    if session.in_transaction() and not pending and session.connection().info.get("deferred"):
        session.commit()
