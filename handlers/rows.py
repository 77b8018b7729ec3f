"""Reading the rows a ticket points to from inside a step."""
from __future__ import annotations

from contextlib import contextmanager

from app.extensions import db


def related(row, name: str):
    """``row.<name>``, a many-to-one whose key ``row`` holds, loaded without flushing the session first.

    The row it points to exists already, so its lazy load need not write the step's pending changes; an
    autoflush there splits the step's one flush in several and updates the ticket twice.
    """
    with db.session.no_autoflush:
        return getattr(row, name)


@contextmanager
def reading(*models, besides=()):
    """A read of ``models``' tables that flushes the session first (autoflush) only when the session holds a
    change to a row of one of them, other than the rows ``besides`` (which the read leaves out): a flush of
    anything else writes nothing the read could see, and splits the step's one flush in several (the ticket
    updated twice)."""
    session = db.session()
    if any(isinstance(row, models) and not any(row is other for other in besides)
           for rows in (session.new, session.dirty, session.deleted) for row in rows):
        yield
        return
    with session.no_autoflush:
        yield
