"""Fire due timers. Run by the worker's periodic sweep; safe with several workers at once."""
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


def due_instances(limit: int = 200) -> list[int]:
    return list(db.session.scalars(
        select(WorkflowInstance.id).where(WorkflowInstance.status == "running",
                                          WorkflowInstance.next_timer_due <= clock.now())
        .order_by(WorkflowInstance.next_timer_due).limit(limit)))


def fire_due_timers() -> int:
    """Fire every due timer, one instance per transaction; return how many instances advanced.

    Two workers may pick the same instance: the instance row lock and its version make the second one
    find nothing due or lose with ``Conflict``; either way the timer fires once.
    """
    fired = 0
    for instance_id in due_instances():
        try:
            with transaction():
                instance = db.session.get(WorkflowInstance, instance_id, with_for_update=True)
                if instance.next_timer_due is None or instance.next_timer_due > clock.now():
                    continue  # another worker fired it first
                runtime.fire_timers(instance_id)
            fired += 1
        except Conflict:
            log.info("timer of instance %s fired by another worker", instance_id)
        except Exception:
            # One broken instance must not hold back every other timer: log it, go on with the rest.
            log.exception("firing the timers of instance %s failed", instance_id)
    return fired
