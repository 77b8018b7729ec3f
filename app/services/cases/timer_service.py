"""Fire due timers. Run by the worker's periodic sweep; any number of workers share the work.

Each transaction takes a batch of due instances nobody else holds and fires them all: ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL (workers fire different batches side by side); on SQLite the transaction begins with
the write lock (``BEGIN IMMEDIATE``), so choosing and firing a batch is one step no other worker interleaves
with, and the workers take turns (see ``_turn``). Either way a timer fires exactly once (its firing
commits with the rest of its batch or not at all), and a sweep goes on until nothing is due, however many
timers fell due at once. One commit per batch of ``TIMER_BATCH``, not per instance. A batch in which an
instance fails is rolled back and fired again one instance per transaction, so the failing one is set apart
and the others still fire.
"""
from __future__ import annotations

import fcntl
import logging
import time
from contextlib import contextmanager, nullcontext

from flask import current_app
from sqlalchemy import select

from app import clock
from app.errors import Conflict
from app.extensions import db
from app.models import WorkflowInstance
from app.services.transaction import transaction
from app.workflow import runtime

log = logging.getLogger(__name__)


def fire_due_timers() -> int:
    """Fire every due timer, a batch of instances per transaction; return how many instances advanced.

    An instance that fails (a broken diagram, an error of ours) is logged and left for the next sweep, and
    so is one still due right after firing: neither may hold back the others or loop this sweep.
    """
    fired, passed_over = 0, set()
    batch_size = current_app.config["TIMER_BATCH"]
    hand_off = HAND_OFF_SECONDS if db.session.get_bind().dialect.name == "sqlite" else 0
    while True:
        batch = None
        try:
            with _turn():
                batch = _take_due(passed_over, batch_size)
                held = runtime.hold_locked(batch)  # noqa: F841 - referenced while the batch fires
                with runtime.all_or_nothing():  # a failure rolls the batch back: see _fire_one_by_one
                    still_due = [instance_id for instance_id in batch if _fire(instance_id)]
        except Exception:
            if batch is None:
                raise  # the database itself failed: nothing to pass over, the next sweep tries again
            fired += _fire_one_by_one(batch, passed_over)
            continue
        if not batch:
            return fired
        passed_over.update(still_due)  # still due after firing: once per sweep is enough
        fired += len(batch)
        if hand_off:
            time.sleep(hand_off)
            if _turn_taken():
                _restore_next(passed_over, batch_size)


# On SQLite the write lock is the whole database's: two workers fire nothing in parallel, they take turns. A
# worker waits for its turn blocked on a file lock beside the database (``_turnstile``), which costs no CPU and
# wakes it as soon as the other worker's batch is committed; then it takes the write lock polling it every half
# millisecond (``poll_write_lock``, app/__init__.py), against a web request's write, rather than with SQLite's
# busy handler, which sleeps up to 100 ms between tries. (Polling alone, the waiting worker spent 1.6 ms of CPU
# per escalation the other fired, on the cores the firing needs.) After each batch a worker leaves its turn
# free this long, so a waiting one takes it.
HAND_OFF_SECONDS = 0.002


@contextmanager
def _turn():
    """A transaction of the sweep, begun in this worker's turn: committed (or rolled back) before the next
    worker's turn begins."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    with _turnstile() if sqlite else nullcontext(), transaction():
        if sqlite:
            db.session.connection(execution_options={"poll_write_lock": True})
        yield


@contextmanager
def _turnstile():
    """The sweeping workers' turn on a SQLite file: an exclusive ``flock`` on ``<database>-sweep``, held until
    the file is closed (a worker that dies releases it with its descriptors)."""
    path = _turnstile_path()
    if path is None:  # one connection's database: no other worker shares it
        yield
        return
    with open(path, "a") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        yield


def _turn_taken() -> bool:
    """Whether another worker holds the turn now (and fires the oldest due batch)."""
    path = _turnstile_path()
    if path is None:
        return False
    with open(path, "a") as turn:
        try:
            fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def _turnstile_path() -> str | None:
    database = db.session.get_bind().url.database
    return None if not database or database == ":memory:" else f"{database}-sweep"


def _fire(instance_id: int) -> bool:
    """Fire the timers of one instance; whether it is still due afterwards."""
    instance = runtime.fire_timers(instance_id)
    due = instance.next_timer_due
    return instance.status == "running" and due is not None and due <= clock.now()


def _fire_one_by_one(batch: list[int], passed_over: set[int]) -> int:
    """After a batch failed: each of its instances in a transaction of its own (if it is still due and no
    other worker took it meanwhile), so only the one that fails is passed over."""
    fired = 0
    for instance_id in batch:
        try:
            with _turn():
                if not _take_due(passed_over, 1, only=instance_id):
                    continue
                if _fire(instance_id):
                    passed_over.add(instance_id)
            fired += 1
        except Conflict:
            log.info("timer of instance %s fired by another worker", instance_id)
        except Exception:
            # One broken instance must not hold back every other timer: log it, go on with the rest.
            log.exception("firing the timers of instance %s failed", instance_id)
        passed_over.add(instance_id)  # tried in this sweep: whatever came of it, not again
    return fired


def _restore_next(passed_over: set[int], size: int) -> None:
    """On SQLite, after this worker's turn: while the other worker fires the oldest due batch, deserialize the
    batch after it, which is the one this worker takes next (if it took the turn first, or a web request fired
    some of them, ``load`` reads those again: only this work is lost)."""
    try:
        runtime.restore_ahead(list(db.session.scalars(_due(passed_over).offset(size).limit(size))))
    finally:
        db.session.rollback()  # end the read: a snapshot held while waiting would keep the WAL from checkpointing


def _take_due(passed_over: set[int], size: int, only: int | None = None) -> list[int]:
    """Lock up to ``size`` due instances (skipping those other workers hold), oldest due first."""
    query = _due(passed_over).limit(size).with_for_update(skip_locked=True)
    if only is not None:
        query = query.where(WorkflowInstance.id == only)
    return list(db.session.scalars(query))


def _due(passed_over: set[int]):
    query = (select(WorkflowInstance.id)
             .where(WorkflowInstance.status == "running", WorkflowInstance.next_timer_due <= clock.now())
             .order_by(WorkflowInstance.next_timer_due, WorkflowInstance.id))
    if passed_over:
        query = query.where(WorkflowInstance.id.not_in(passed_over))
    return query
