"""Fire due timers. Run by the worker's periodic sweep; any number of workers share the work.

Each transaction takes the next due instance nobody else holds and fires it: ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (workers fire different instances side by side); on SQLite the transaction begins with the write
lock (``BEGIN IMMEDIATE``), so choosing and firing an instance is one step no other worker interleaves with.
Either way a timer fires exactly once, and a sweep goes on until nothing is due, however many timers fell
due at once.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from app import clock
from app.errors import Conflict
from app.extensions import db
from app.models import WorkflowInstance
from app.services.transaction import transaction
from app.workflow import runtime

log = logging.getLogger(__name__)


def fire_due_timers() -> int:
    """Fire every due timer, one instance per transaction; return how many instances advanced.

    An instance that fails (a broken diagram, an error of ours) is logged and left for the next sweep, and
    so is one still due right after firing: neither may hold back the others or loop this sweep.
    """
    fired, passed_over = 0, set()
    while True:
        instance_id = None
        try:
            with transaction():
                instance_id = _take_next_due(passed_over)
                if instance_id is None:
                    return fired
                instance = runtime.fire_timers(instance_id)
                if _is_due(instance):
                    passed_over.add(instance_id)  # still due after firing: once per sweep is enough
            fired += 1
        except Conflict:
            passed_over.add(instance_id)
            log.info("timer of instance %s fired by another worker", instance_id)
        except Exception:
            if instance_id is None:
                raise  # the database itself failed: nothing to pass over, the next sweep tries again
            # One broken instance must not hold back every other timer: log it, go on with the rest.
            passed_over.add(instance_id)
            log.exception("firing the timers of instance %s failed", instance_id)


def _is_due(instance: WorkflowInstance) -> bool:
    due = instance.next_timer_due
    return instance.status == "running" and due is not None and due <= clock.now()


def _take_next_due(passed_over: set[int]) -> int | None:
    """Lock the next due instance (skipping those other workers hold) and return its id."""
    query = (select(WorkflowInstance.id)
             .where(WorkflowInstance.status == "running", WorkflowInstance.next_timer_due <= clock.now())
             .order_by(WorkflowInstance.next_timer_due, WorkflowInstance.id).limit(1)
             .with_for_update(skip_locked=True))
    if passed_over:
        query = query.where(WorkflowInstance.id.not_in(passed_over))
    return db.session.scalar(query)
