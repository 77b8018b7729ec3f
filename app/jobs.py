"""Background jobs entry points used by services (the worker itself lives in app/worker.py)."""
from __future__ import annotations

import logging

from flask import current_app

from app.worker import worker_for

log = logging.getLogger(__name__)


def kick_outbox() -> None:
    """Ask the worker to deliver the outbox now (best effort: the periodic sweep is the guarantee).

    Called after a commit: the business change already happened, so no failure may escape from here.
    """
    if not current_app.config["OUTBOX_KICK"]:
        return
    try:
        worker_for(current_app._get_current_object()).deliver_outbox()
    except Exception:
        log.exception("could not enqueue the outbox delivery; the next sweep will deliver it")
