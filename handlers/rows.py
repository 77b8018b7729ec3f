"""Reading the rows a ticket points to from inside a step."""
from __future__ import annotations

from app.extensions import db


def related(row, name: str):
    """``row.<name>``, a many-to-one whose key ``row`` holds, loaded without flushing the session first.

    The row it points to exists already, so its lazy load need not write the step's pending changes; an
    autoflush there splits the step's one flush in several and updates the ticket twice.
    """
    with db.session.no_autoflush:
        return getattr(row, name)
