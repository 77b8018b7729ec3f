"""Background jobs entry points used by services (the worker itself lives in app/worker.py)."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import current_app

from app.worker import worker_for

log = logging.getLogger(__name__)


@dataclass
class _KickWindow:
    """When this process last enqueued a delivery, and until when a delayed one is already queued."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    free_at: float = 0.0  # an immediate kick is due again from this moment
    delayed_until: float = 0.0


def kick_outbox() -> None:
    """Ask the worker to deliver the outbox now (best effort: the periodic sweep is the guarantee).

    Called after a commit: the business change already happened, so no failure may escape from here.
    One delivery delivers every due message, so a busy process enqueues at most two per
    ``OUTBOX_KICK_SECONDS``: one at once, then one delayed to the end of that window for the commits made
    during it (delayed, so it runs after they committed). Enqueuing is a write to the queue's store, a few
    milliseconds a commit otherwise.
    """
    if not current_app.config["OUTBOX_KICK"]:
        return
    app = current_app._get_current_object()
    window = app.extensions.setdefault("outbox_kick_window", _KickWindow())
    now = time.monotonic()
    with window.lock:
        if now >= window.free_at:
            delay, window.free_at = 0.0, now + app.config["OUTBOX_KICK_SECONDS"]
        elif window.delayed_until < window.free_at:
            window.delayed_until = window.free_at
            delay = window.free_at - now
        else:
            return  # the delayed delivery already queued runs after this commit
    try:
        task = worker_for(app).deliver_outbox
        if delay:
            task.schedule(delay=delay)
        else:
            task()
    except Exception:
        log.exception("could not enqueue the outbox delivery; the next sweep will deliver it")
