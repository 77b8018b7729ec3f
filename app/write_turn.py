"""SQLite's writers take turns in order instead of in SQLite's busy handler.

SQLite has one write lock for the whole database. A writer that finds it taken waits in SQLite's busy
handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms between tries: a request can
sleep 100 ms while the lock fell free after 1 ms, which made the tail of the request latency (p99 up to a
second at 4 clients). So a write transaction first takes the *write turn*: in this process a lock the
waiting threads sleep on, then, between processes, an exclusive ``flock`` of ``<database>-write``. Only
then does it ``BEGIN IMMEDIATE``, which finds the write lock free unless a writer outside the turn holds it.

The turn is held exactly as long as the write transaction: it is released when the connection commits or
rolls back (savepoints are inside and do not end it), or is closed or invalidated, never when the
connection goes back to the pool, so a connection kept after its transaction (a request, a test, a
server thread) holds nobody up. Read transactions never take it. A thread that already holds the turn
and begins a second write transaction on another connection does not wait for itself: it joins the turn
(and its ``BEGIN IMMEDIATE`` then waits for its own first transaction in SQLite's busy handler, as it
would without the turn). A writer that cannot get the turn within the timeout fails with
``sqlite3.OperationalError`` ("database is locked …"), what SQLite's own busy timeout raises, instead of
hanging.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time


class WriteTurnTimeout(sqlite3.OperationalError):
    """No write turn within the timeout: another write transaction has been open that long."""


class WriteTurn:
    """The turn of one SQLite database's writers: a lock for this process's threads, then a file lock for
    the processes."""

    # A process's first waiter tries the file lock this often (the others sleep on the thread lock). A
    # blocking flock cannot time out; one try costs a few microseconds.
    POLL_SECONDS = 0.0005

    def __init__(self, path: str, timeout: float):
        self.path, self.timeout = path, timeout
        self._threads = threading.Lock()  # this process's turn; released by whichever thread ends it
        self._state = threading.Lock()  # guards the fields below, held for a few instructions only
        self._owner: int | None = None  # thread that took the turn
        self._holders: set = set()  # DBAPI connections whose write transaction is in the turn
        self._file: int | None = None  # descriptor holding the flock
        os.register_at_fork(after_in_child=self._forget)

    def acquire(self, connection) -> None:
        """Take the turn for ``connection``'s write transaction (about to begin)."""
        me = threading.get_ident()
        with self._state:
            if self._owner == me:  # this thread's other transaction has it: join, do not wait for ourselves
                self._holders.add(connection)
                return
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            raise self._timed_out()
        try:
            descriptor = self._lock_file(deadline)
        except BaseException:
            self._threads.release()
            raise
        with self._state:
            self._owner, self._file = me, descriptor
            self._holders = {connection}

    def release(self, connection) -> None:
        """``connection``'s write transaction ended (committed, rolled back, or its connection closed): the
        turn is free once no transaction of its holder is left in it. Any other connection: nothing."""
        with self._state:
            if connection not in self._holders:
                return
            self._holders.discard(connection)
            if self._holders:
                return
            descriptor, self._file, self._owner = self._file, None, None
        try:
            if descriptor is not None:
                os.close(descriptor)  # releases the flock
        finally:
            self._threads.release()

    def held_by(self, connection) -> bool:
        return connection in self._holders

    def _lock_file(self, deadline: float) -> int:
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return descriptor
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise self._timed_out() from None
                time.sleep(self.POLL_SECONDS)
        except BaseException:
            os.close(descriptor)
            raise

    def _timed_out(self) -> WriteTurnTimeout:
        return WriteTurnTimeout(f"database is locked: no write turn within {self.timeout:g} s "
                                f"(another write transaction is open; {self.path})")

    def _forget(self) -> None:
        """In a child process just forked: the parent's turn is not the child's (its flock stays the
        parent's, and a thread that held the lock does not exist here)."""
        if self._file is not None:
            os.close(self._file)  # the child's copy only: the parent's lock holds until the parent closes its own
        self._threads, self._state = threading.Lock(), threading.Lock()
        self._owner, self._holders, self._file = None, set(), None


def install(engine, turn: WriteTurn) -> None:
    """Release ``turn`` when a write transaction of ``engine`` ends: right after the dialect's commit or
    rollback (the pool's reset on check-in included) or close (the pool closing or invalidating a
    connection), once the transaction has ended in SQLite. Taking it is the caller's, before ``BEGIN``."""
    dialect = engine.dialect
    commit, rollback, close = dialect.do_commit, dialect.do_rollback, dialect.do_close

    def _driver(connection):  # the pool passes its proxy to do_rollback/do_commit, the engine the DBAPI one
        return getattr(connection, "driver_connection", connection)

    def do_commit(connection):
        try:
            commit(connection)
        finally:
            turn.release(_driver(connection))

    def do_rollback(connection):
        try:
            rollback(connection)
        finally:
            turn.release(_driver(connection))

    def do_close(connection):
        try:
            close(connection)
        finally:
            turn.release(_driver(connection))

    dialect.do_commit, dialect.do_rollback, dialect.do_close = do_commit, do_rollback, do_close


_turns: dict[str, WriteTurn] = {}
_turns_lock = threading.Lock()


def for_database(database: str | None, timeout: float) -> WriteTurn | None:
    """The turn of a SQLite file's writers, one per file in a process (several apps on one file, as in the
    tests, share it, so a thread holding it through one app joins it through another); None for an
    in-memory database (one connection, nobody to take turns with)."""
    if not database or database == ":memory:":
        return None
    path = os.path.abspath(f"{database}-write")
    with _turns_lock:
        turn = _turns.get(path)
        if turn is None:
            turn = _turns[path] = WriteTurn(path, timeout)
        return turn
