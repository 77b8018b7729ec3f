"""The background worker: a Huey queue with the outbox delivery task and the periodic sweep.

The database is the source of truth: a task only says "look now". A lost task (queue down, worker
restarted) costs a delay, never a message or a timer, because the sweep finds the due rows again.

Each app gets its own Huey, built from its config (``instance/config.py`` included): SQLite at
``HUEY_SQLITE_PATH`` (default ``instance/huey.sqlite``), Redis when ``REDIS_URL`` is set, in-memory and
run inline when ``HUEY_IMMEDIATE`` (tests). ``flask --app app worker run`` consumes it.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer
from redis import ConnectionPool

from app.services.cases import timer_service
from app.services.control import periodic_review, statistics
from app.services.mail import mail_intake_service, outbox_service
from app.services.visits import reminders as visit_reminders

_build_lock = threading.Lock()
# A kick runs in the request: an unreachable Redis must fail it fast (REDIS_URL may override this).
REDIS_CONNECT_TIMEOUT = 2.0


@dataclass(frozen=True)
class Worker:
    huey: Huey
    deliver_outbox: TaskWrapper  # calling it enqueues a delivery of every due outbox message
    sweep: TaskWrapper  # also runs every minute: fire due timers, then deliver the outbox


def worker_for(app: Flask) -> Worker:
    """The app's worker, built once."""
    with _build_lock:
        if "atiende_worker" not in app.extensions:
            app.extensions["atiende_worker"] = _build(app)
        return app.extensions["atiende_worker"]


def consumer(app: Flask, workers: int) -> Consumer:
    """A Huey consumer running the app's tasks in ``workers`` threads, periodic sweep included."""
    return Consumer(worker_for(app).huey, workers=workers, worker_type="thread", periodic=True)


def sweep(app: Flask) -> tuple[int, Counter[str]]:
    """Fire due timers, queue the visits' reminders, finish inbound mail left unprocessed (a crash mid-intake)
    or failed (up to MAIL_INTAKE_MAX_ATTEMPTS), then deliver due mail: one pass of what the worker does every
    minute.

    Returns how many instances fired a timer and the delivery outcomes.
    """
    with app.app_context():
        fired = 0
        try:
            fired = timer_service.fire_due_timers()
            visit_reminders.send_due()
        finally:
            try:
                mail_intake_service.process_pending()
            finally:  # neither a failing timer nor a failing mail holds the outgoing mail back
                delivered = outbox_service.deliver_due()
        return fired, delivered


def deliver_outbox(app: Flask) -> None:
    with app.app_context():
        outbox_service.deliver_due()


def refresh_statistics(app: Flask) -> None:
    with app.app_context():
        statistics.refresh()


def review_last_week(app: Flask) -> None:
    with app.app_context():
        periodic_review.run_scheduled()


def _build(app: Flask) -> Worker:
    huey = _make_huey(app)

    @huey.task(name="deliver_outbox")
    def deliver_outbox_task():
        deliver_outbox(app)

    @huey.periodic_task(crontab(), name="sweep")
    def sweep_task():
        sweep(app)

    @huey.periodic_task(crontab(minute="17"), name="statistics")  # hourly: the planner's table statistics
    def statistics_task():
        refresh_statistics(app)

    # Mondays 13:05 UTC (07:05 in Mexico City): the review of the week that ended on Sunday.
    @huey.periodic_task(crontab(day_of_week="1", hour="13", minute="5"), name="periodic_review")
    def periodic_review_task():
        review_last_week(app)

    return Worker(huey=huey, deliver_outbox=deliver_outbox_task, sweep=sweep_task)


def _make_huey(app: Flask) -> Huey:
    config = app.config
    # Results are never read: the outcome of a delivery is in the outbox rows.
    options = {"results": False, "immediate": config["HUEY_IMMEDIATE"]}
    if config["REDIS_URL"]:
        pool = ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=REDIS_CONNECT_TIMEOUT)
        return RedisHuey(config["HUEY_NAME"], connection_pool=pool, **options)
    path = config["HUEY_SQLITE_PATH"] or str(Path(app.instance_path) / "huey.sqlite")
    return SqliteHuey(config["HUEY_NAME"], filename=path, **options)
