"""The worker: its queue, the kick after commit, the periodic sweep, the consumer and the CLI."""
from __future__ import annotations

import logging
import signal
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from flask import Flask
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import func, select

import tests.mail_server as mail_helpers
from app import clock, create_app, worker, worker_cli
from app.config import Config, TestConfig
from app.extensions import db
from app.models import HumanTask, OutboxMessage, TicketEvent
from tests.mail_server import free_port
from tests.services.conftest import open_complaint, validate

mail_server, smtp = mail_helpers.mail_server, mail_helpers.smtp  # fixtures, for this module

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")


def bare_app(tmp_path, **settings) -> Flask:
    probe = Flask("probe", instance_path=str(tmp_path))
    probe.config.from_object(Config)
    probe.config.update({"HUEY_SQLITE_PATH": "", "REDIS_URL": "", **settings})
    return probe


def test_the_queue_is_sqlite_in_the_instance_folder_by_default(tmp_path):
    huey = worker.worker_for(bare_app(tmp_path)).huey
    assert isinstance(huey.storage, SqliteStorage) and not huey.immediate
    assert huey.storage.filename == str(tmp_path / "huey.sqlite")

    elsewhere = tmp_path / "queue" / "jobs.sqlite"
    elsewhere.parent.mkdir()
    assert worker.worker_for(bare_app(tmp_path, HUEY_SQLITE_PATH=str(elsewhere))).huey.storage.filename == str(
        elsewhere)


def test_the_queue_is_redis_when_redis_url_is_set(tmp_path):
    storage = worker.worker_for(bare_app(tmp_path, REDIS_URL="redis://127.0.0.1:6390/3")).huey.storage
    assert isinstance(storage, RedisStorage)
    settings = storage.pool.connection_kwargs
    assert (settings["port"], settings["db"], settings["socket_connect_timeout"]) == (6390, 3, 2.0)


def test_tests_run_tasks_inline_and_the_app_keeps_one_worker(app):
    huey = worker.worker_for(app).huey
    assert huey.immediate and isinstance(huey.storage, MemoryStorage)
    assert worker.worker_for(app) is worker.worker_for(app)


def test_the_sweep_runs_every_minute(tmp_path):
    huey = worker.worker_for(bare_app(tmp_path)).huey
    minutes = [datetime(2026, 3, 2, 15, 0, tzinfo=UTC) + timedelta(minutes=m) for m in range(60)]
    assert all([task.name for task in huey.read_periodic(minute)] == ["sweep"] for minute in minutes
               if minute.minute != 17)


def test_the_planner_statistics_are_refreshed_hourly(tmp_path):
    huey = worker.worker_for(bare_app(tmp_path)).huey
    minutes = [datetime(2026, 3, 2, 15, 0, tzinfo=UTC) + timedelta(minutes=m) for m in range(120)]
    assert [m.minute for m in minutes if "statistics" in [t.name for t in huey.read_periodic(m)]] == [17, 17]


@pytest.fixture
def queued_app(app, mail_server, tmp_path):
    """The app as ``flask worker run`` sees it: tasks go through a real queue (SQLite) instead of inline."""

    class QueuedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        HUEY_IMMEDIATE = False
        HUEY_SQLITE_PATH = str(tmp_path / "huey.sqlite")
        OUTBOX_KICK = True

    queued = create_app(QueuedConfig)
    queued.config.update({key: app.config[key] for key in MAIL_KEYS})
    yield queued
    with queued.app_context():
        db.session.remove()
        db.engine.dispose()


def run_queued_tasks(queued: Flask) -> int:
    """Do what a consumer thread does with each queued task; return how many ran."""
    huey = worker.worker_for(queued).huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def test_a_commit_that_queues_mail_kicks_a_delivery_through_the_queue(queued_app, smtp):
    with queued_app.app_context():
        open_complaint()
    assert smtp.inbox.received == []  # nothing is sent inside the request

    assert run_queued_tasks(queued_app) == 1
    [mail] = smtp.inbox.messages
    assert mail["To"] == "maria.lopez@example.com"
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_commits_in_one_window_share_two_kicks_and_every_mail_goes(queued_app, smtp):
    queued_app.config["OUTBOX_KICK_SECONDS"] = 60
    with queued_app.app_context():
        for _ in range(3):
            open_complaint()
    huey = worker.worker_for(queued_app).huey
    now, later = huey.dequeue(), huey.dequeue()  # at once, and once at the window's end
    assert huey.dequeue() is None
    assert now.eta is None and later.eta > datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=50)
    for task in (now, later):
        huey.execute(task)
    assert len(smtp.inbox.received) == 3
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_no_kick_when_outbox_kick_is_off(queued_app):
    queued_app.config["OUTBOX_KICK"] = False
    with queued_app.app_context():
        open_complaint()
    assert worker.worker_for(queued_app).huey.pending_count() == 0


def test_a_queue_that_is_down_loses_nothing_the_sweep_delivers(queued_app, smtp, caplog):
    queued_app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="app.jobs"), queued_app.app_context():
        number = open_complaint().number  # the kick fails after the commit: the complaint stands
    assert number and "could not enqueue the outbox delivery" in caplog.text
    assert smtp.inbox.received == []

    worker.sweep(queued_app)
    assert len(smtp.inbox.received) == 1


@pytest.fixture
def redis_app(queued_app):
    """The queued app on the Redis of the dev box (skipped where there is none)."""
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    finally:
        client.close()
    queued_app.config["REDIS_URL"] = REDIS_TEST_URL
    queued_app.config["HUEY_NAME"] = f"atiende-test-{uuid.uuid4().hex[:8]}"  # other test runs share the Redis
    yield queued_app
    worker.worker_for(queued_app).huey.flush()  # drop this run's keys


def test_the_redis_queue_carries_the_kick_to_the_worker(redis_app, smtp):
    with redis_app.app_context():
        open_complaint()
    assert worker.worker_for(redis_app).huey.pending_count() == 1
    assert run_queued_tasks(redis_app) == 1
    assert len(smtp.inbox.received) == 1


def test_the_consumer_of_worker_run_delivers_what_was_queued(queued_app, smtp):
    with queued_app.app_context():
        open_complaint()
    consumer = worker.consumer(queued_app, workers=2)
    assert (consumer.workers, consumer.worker_type, consumer.periodic) == (2, "thread", True)
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()
    try:
        assert smtp.inbox.arrived.wait(timeout=30)  # a bound, not a race: it returns as soon as mail arrives
    finally:
        consumer.stop(graceful=True)
        for signum, handler in saved.items():
            signal.signal(signum, handler)
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_with_outbox_kick_on_and_inline_tasks_mail_goes_right_after_the_commit(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_KICK", True)
    open_complaint()
    assert len(smtp.inbox.received) == 1


def escalations(ticket) -> tuple[int, int]:
    """(escalated timeline lines, escalation review tasks) of ``ticket``."""
    events = db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "escalated"))
    reviews = db.session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == "revisar_escalamiento"))
    return events, reviews


def sweep_now(app: Flask) -> None:
    """Run the periodic sweep inline, in its own session as in a worker thread.

    The test's session ends its reads first: on SQLite an open read would block the sweep's writes.
    """
    db.session.commit()
    worker.worker_for(app).sweep()


def diagnosis_waiting_for_its_sla():
    """A validated complaint whose diagnosis task carries the SLA timer; the clock stands just before it."""
    clock.freeze(datetime(2026, 3, 2, 15, 30, tzinfo=UTC))
    ticket = validate(open_complaint())
    assert db.session.scalar(select(HumanTask.status).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == "diagnostico")) == "ready"
    return ticket


def test_the_periodic_sweep_fires_a_due_timer(app, smtp):
    ticket = diagnosis_waiting_for_its_sla()

    sweep_now(app)
    assert escalations(ticket) == (0, 0)
    clock.freeze(ticket.sla_due_at + timedelta(minutes=1))
    sweep_now(app)
    assert escalations(ticket) == (1, 1)
    sweep_now(app)
    assert escalations(ticket) == (1, 1)
    # The boundary timer does not interrupt: the technician still has the diagnosis.
    assert db.session.scalar(select(HumanTask.status).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == "diagnostico")) == "ready"


def test_two_sweeps_at_once_fire_the_timer_once(app, smtp):
    ticket = diagnosis_waiting_for_its_sla()
    clock.freeze(ticket.sla_due_at + timedelta(minutes=1))
    sweep = worker.worker_for(app).sweep
    db.session.commit()  # the test's own reads hold no database lock while the workers run
    start = threading.Barrier(2)
    errors = []

    def run():
        start.wait()
        try:
            sweep()  # inline (HUEY_IMMEDIATE): each call runs in its own app context, as a worker thread does
        except Exception as err:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert escalations(ticket) == (1, 1)


@pytest.fixture
def cli(app):
    if "worker" not in app.cli.commands:
        worker_cli.register(app)
    return app.test_cli_runner()


def test_worker_sweep_fires_timers_and_delivers_mail_once(cli, smtp):
    ticket = diagnosis_waiting_for_its_sla()
    clock.freeze(ticket.sla_due_at + timedelta(minutes=1))
    db.session.commit()  # end the test's reads: on SQLite they would block the command's writes

    result = cli.invoke(args=["worker", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Temporizadores disparados: 1." in result.output
    sent = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent"))
    assert sent == len(smtp.inbox.received) > 0
    assert f"Mensajes enviados: {sent}," in result.output
    assert escalations(ticket) == (1, 1)


def test_worker_run_refreshes_the_statistics_before_it_consumes(cli, monkeypatch):
    calls = []
    monkeypatch.setattr(worker, "refresh_statistics", lambda app: calls.append("statistics"))
    monkeypatch.setattr(worker, "consumer", lambda app, workers: type("Stub", (), {
        "run": lambda self: calls.append("consume")})())
    result = cli.invoke(args=["worker", "run"])
    assert result.exit_code == 0, result.output
    assert calls == ["statistics", "consume"]
