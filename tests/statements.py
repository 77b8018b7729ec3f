"""The SQL statements a call sends, for tests that hold a path to a number of reads."""
from __future__ import annotations

from sqlalchemy import event

from app.extensions import db


def statements_while(call) -> list[str]:
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen
