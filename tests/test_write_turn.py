"""SQLite's writers' turn (app/write_turn.py): taken by write transactions only, across threads and processes,
released when the transaction ends (not when the connection goes back to the pool), never a hang."""
from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import Ticket
from app.services.transaction import transaction, writing
from app.write_turn import WriteTurn, WriteTurnTimeout

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def turn(app):
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's writers only")
    return db.engine.write_turn


def _free(path: str) -> bool:
    """Whether nobody holds the turn's file lock (a descriptor of our own is a holder of its own too)."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def _other_process_takes(path: str, timeout: float) -> str:
    """Another process tries to take the turn within ``timeout``: "taken" or "timeout"."""
    script = (f"from app.write_turn import WriteTurn, WriteTurnTimeout\n"
              f"turn = WriteTurn({path!r}, {timeout!r})\n"
              f"try:\n    turn.acquire(object())\nexcept WriteTurnTimeout:\n    print('timeout')\n"
              f"else:\n    print('taken')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class _Write:
    """A write transaction begun on a connection of our own, as a use case begins one."""

    def __init__(self):
        self.connection = db.engine.connect()
        intent = writing.set(True)
        try:
            self.transaction = self.connection.begin()
            self.connection.execute(text("UPDATE ticket SET description = description WHERE id = 0"))
        finally:
            writing.reset(intent)

    @property
    def driver(self):
        return self.connection.connection.driver_connection


def test_writers_of_two_processes_take_turns(turn):
    with transaction():
        db.session.execute(text("UPDATE ticket SET description = description WHERE id = 0"))
        assert not _free(turn.path)
        assert _other_process_takes(turn.path, 0.2) == "timeout"  # it cannot while this one writes
    assert _free(turn.path)
    assert _other_process_takes(turn.path, 5) == "taken"


def test_a_failed_transaction_leaves_the_turn_free(turn):
    with pytest.raises(RuntimeError), transaction():
        db.session.execute(text("UPDATE ticket SET description = description WHERE id = 0"))
        raise RuntimeError("the use case failed")
    assert _free(turn.path)
    assert _other_process_takes(turn.path, 5) == "taken"
    with transaction():  # and the next writer of this process is not held up by the failed one
        db.session.execute(text("UPDATE ticket SET description = description WHERE id = 0"))


def test_the_turn_is_free_after_commit_while_the_connection_is_still_checked_out(turn):
    write = _Write()
    try:
        assert turn.held_by(write.driver) and not _free(turn.path)
        write.transaction.commit()
        assert not turn.held_by(write.driver) and _free(turn.path)
        assert not write.connection.closed  # still the request's (or the test's) connection
    finally:
        write.connection.close()


def test_the_turn_is_free_after_rollback_while_the_connection_is_still_checked_out(turn):
    write = _Write()
    try:
        write.transaction.rollback()
        assert not turn.held_by(write.driver) and _free(turn.path)
    finally:
        write.connection.close()


def test_a_savepoint_does_not_end_the_turn(turn):
    write = _Write()
    try:
        savepoint = write.connection.begin_nested()
        savepoint.rollback()
        assert turn.held_by(write.driver) and not _free(turn.path)
        write.transaction.commit()
        assert _free(turn.path)
    finally:
        write.connection.close()


def test_an_invalidated_connection_leaves_the_turn(turn):
    write = _Write()
    driver = write.driver
    write.connection.invalidate()
    assert not turn.held_by(driver) and _free(turn.path)
    write.connection.close()


def test_reads_never_take_the_turn(turn):
    holder, token = WriteTurn(turn.path, 5), object()  # another process's writer, as far as this one can tell
    holder.acquire(token)
    try:
        db.session.remove()
        assert db.session.scalars(select(Ticket.id)).all() is not None  # would wait for the turn, then fail
        assert not turn.held_by(db.session.connection().connection.driver_connection)
    finally:
        db.session.remove()
        holder.release(token)


def test_a_writer_that_gets_no_turn_fails_with_database_is_locked(turn, monkeypatch):
    holder = WriteTurn(turn.path, 5)
    token = object()
    holder.acquire(token)
    monkeypatch.setattr(turn, "timeout", 0.05)
    try:
        with pytest.raises(WriteTurnTimeout, match="database is locked: no write turn"), transaction():
            db.session.execute(text("UPDATE ticket SET description = description WHERE id = 0"))
    finally:
        holder.release(token)
    assert _free(turn.path)
    with transaction():  # the failed attempt left nothing held in this process either
        db.session.execute(text("UPDATE ticket SET description = description WHERE id = 0"))


def test_the_threads_of_a_process_take_turns_and_a_thread_joins_its_own(tmp_path):
    turn = WriteTurn(str(tmp_path / "db-write"), 0.05)
    first, second = object(), object()
    turn.acquire(first)
    turn.acquire(second)  # the same thread's other transaction: no wait for itself
    outcome = []

    def other_thread():
        try:
            turn.acquire(object())
            outcome.append("taken")
        except WriteTurnTimeout as error:
            outcome.append(error)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert isinstance(outcome[0], sqlite3.OperationalError)  # what SQLite's busy timeout raises
    turn.release(first)
    assert not _free(turn.path)  # the second transaction still holds it
    turn.release(second)
    assert _free(turn.path)
    turn.timeout = 5
    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert outcome[1] == "taken"


def test_a_process_forked_while_the_turn_is_held_neither_holds_it_nor_waits_for_its_parent(tmp_path):
    turn, token = WriteTurn(str(tmp_path / "db-write"), 5), object()
    turn.acquire(token)
    child = os.fork()
    if child == 0:  # the child: its own turn is free in this process, the parent's file lock is not its
        code = 0
        try:
            turn.timeout = 0.05
            turn.acquire(object())
        except WriteTurnTimeout:
            code = 3  # the parent still holds it: right
        except BaseException:
            code = 1
        os._exit(code)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 3
    turn.release(token)
    assert _free(turn.path)  # the child's copy of the descriptor did not keep the lock
