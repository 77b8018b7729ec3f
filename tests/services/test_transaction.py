"""SQLite: reads never take the write lock; a use case takes it up front, even after the request read."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Ticket
from tests.services.conftest import open_complaint


@pytest.fixture
def sqlite_file(app):
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's locking")
    return url.database


def test_a_read_proceeds_while_another_connection_holds_the_write_lock(sqlite_file):
    number = open_complaint().number
    db.session.remove()
    writer = sqlite3.connect(sqlite_file, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        assert db.session.scalar(select(Ticket.number).where(Ticket.number == number)) == number
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_use_case_after_a_read_writes_although_another_connection_committed_in_between(sqlite_file):
    first_id, first_number = (t := open_complaint()).id, t.number
    db.session.remove()
    assert db.session.get(Ticket, first_id).number == first_number  # the request's read: a snapshot
    other = sqlite3.connect(sqlite_file, isolation_level=None, timeout=5)
    other.execute("UPDATE ticket SET description = description || '.' WHERE id = ?", (first_id,))
    other.close()  # committed after that snapshot began

    second = open_complaint()  # would fail with "database is locked" if it upgraded the read
    assert second.number != first_number
