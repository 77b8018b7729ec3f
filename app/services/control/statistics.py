"""Query-planner statistics: SQLite gathers none by itself, so the worker refreshes them periodically.

PostgreSQL's autovacuum keeps its own statistics; ``ANALYZE`` also runs after every migration (migrations/env.py).
"""
from __future__ import annotations

from app.extensions import db


def refresh() -> None:
    """Let SQLite re-analyze the tables whose statistics went stale (cheap when nothing changed)."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA optimize")
