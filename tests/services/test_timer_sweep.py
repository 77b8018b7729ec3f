"""The timer sweep at scale: hundreds of SLA timers due in the same minute fire in one sweep, each exactly
once, also with two workers sweeping at the same time (FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock
on SQLite). How fast is measured by bench/timers.py, not here."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.extensions import db
from app.models import HumanTask, Notification, OutboxMessage, TicketEvent, WorkflowInstance
from app.services.cases import timer_service
from app.workflow import engine, runtime
from handlers.registry import SERVICE_TASKS
from tests.services.conftest import open_complaint, validate
from tests.workload import copy_ticket

START = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def waiting_tickets(count: int) -> list[int]:
    """``count`` validated complaints whose diagnosis carries the same SLA timer; the clock just past it."""
    clock.freeze(START)
    first = validate(open_complaint())
    due = first.sla_due_at
    ids = [first.id, *copy_ticket(first.id, count - 1)]
    clock.freeze(due + timedelta(minutes=1))
    return ids


def escalations_per_ticket(ids: list[int]) -> Counter[int]:
    events = Counter(db.session.scalars(select(TicketEvent.ticket_id).where(TicketEvent.kind == "escalated")))
    reviews = Counter(db.session.scalars(select(HumanTask.ticket_id).where(
        HumanTask.task_name == "revisar_escalamiento")))
    assert events == reviews
    return Counter({ticket_id: events[ticket_id] for ticket_id in ids})


def still_due() -> int:
    return db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        WorkflowInstance.status == "running", WorkflowInstance.next_timer_due <= clock.now()))


def test_one_sweep_fires_every_due_timer_however_many_fell_due(app):
    ids = waiting_tickets(210)  # more than one pass of the old sweep (200)
    db.session.commit()

    assert timer_service.fire_due_timers() == 210
    assert escalations_per_ticket(ids) == Counter(dict.fromkeys(ids, 1))
    assert still_due() == 0
    assert timer_service.fire_due_timers() == 0  # each fired once


def test_two_workers_sweeping_at_once_fire_each_timer_exactly_once(app):
    ids = waiting_tickets(150)
    db.session.commit()  # the test's reads hold no snapshot while the workers run
    start, fired, errors = threading.Barrier(2), [], []

    def worker():
        with app.app_context():  # its own session and connection, as in a second worker process
            start.wait()
            try:
                fired.append(timer_service.fire_due_timers())
            except Exception as err:  # surfaced below; a thread's exception would otherwise vanish
                errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and sum(fired) == 150
    assert escalations_per_ticket(ids) == Counter(dict.fromkeys(ids, 1))
    assert still_due() == 0


def test_an_instance_that_fails_is_passed_over_and_the_others_fire(app, monkeypatch, caplog):
    ids = waiting_tickets(5)
    db.session.commit()
    broken = db.session.scalar(select(WorkflowInstance.id).where(WorkflowInstance.ticket_id == ids[2],
                                                                 WorkflowInstance.status == "running"))
    fire = timer_service.runtime.fire_timers

    def fire_unless_broken(instance_id):
        if instance_id == broken:
            raise RuntimeError("a bug of ours")
        return fire(instance_id)

    monkeypatch.setattr(timer_service.runtime, "fire_timers", fire_unless_broken)
    assert timer_service.fire_due_timers() == 4  # and the sweep ends, though that instance stays due
    assert f"firing the timers of instance {broken} failed" in caplog.text
    assert escalations_per_ticket(ids) == Counter({**dict.fromkeys(ids, 1), ids[2]: 0})

    monkeypatch.setattr(timer_service.runtime, "fire_timers", fire)
    assert timer_service.fire_due_timers() == 1  # the next sweep tries it again


def test_an_escalation_whose_handler_fails_is_recorded_as_the_instance_error_and_leaves_no_writes(app, monkeypatch):
    # The batch fires without a savepoint per instance: the failure rolls the whole batch back, the others
    # fire again one per transaction and the failing one is recorded, none of its handler's writes kept.
    ids = waiting_tickets(5)
    db.session.commit()
    escalate = SERVICE_TASKS["ticket.escalate"]

    def escalate_then_fail(ctx, **params):
        result = escalate(ctx, **params)  # the timeline line, the notices and the mail are written first
        if ctx.ticket.id == ids[2]:
            raise ConnectionError("supervisors' inbox down")
        return result

    monkeypatch.setitem(SERVICE_TASKS, "ticket.escalate", escalate_then_fail)
    assert timer_service.fire_due_timers() == 5
    assert escalations_per_ticket(ids) == Counter({**dict.fromkeys(ids, 1), ids[2]: 0})
    failed = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ids[2]))
    assert (failed.status, failed.error_task) == ("error", "escalar_ticket")
    assert "supervisors' inbox down" in failed.error_message
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.ticket_id == ids[2])) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.ticket_id == ids[2],
                                                                     Notification.kind == "escalated")) == 0


def test_on_sqlite_a_worker_waits_for_the_other_ones_turn_before_it_fires(app):
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("the turns of SQLite's workers")
    ids = waiting_tickets(3)
    db.session.commit()
    fired = []

    def worker():
        with app.app_context():  # a second worker: its own session and connection
            fired.append(timer_service.fire_due_timers())

    with timer_service._turnstile():  # the other worker's turn (its own open file: flock excludes this one)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive() and fired == []  # the write lock is free: only the turn holds it back
    thread.join()
    assert fired == [3]
    assert escalations_per_ticket(ids) == Counter(dict.fromkeys(ids, 1))


def test_a_workflow_restored_ahead_is_fired_without_reading_its_state_again_unless_it_changed(app, monkeypatch):
    ids = waiting_tickets(2)
    db.session.commit()
    first, second = db.session.scalars(select(WorkflowInstance.id).where(
        WorkflowInstance.ticket_id.in_(ids), WorkflowInstance.status == "running").order_by(WorkflowInstance.id))
    engine.forget_live()
    runtime.restore_ahead([first, second])
    db.session.execute(update(WorkflowInstance).where(WorkflowInstance.id == second)  # advanced meanwhile
                       .values(lock_version=WorkflowInstance.lock_version + 1))
    db.session.commit()
    restored = []
    monkeypatch.setattr(engine, "load_state", lambda *args, load=engine.load_state: restored.append(1) or load(*args))

    assert timer_service.fire_due_timers() == 2
    assert restored == [1]  # only the one whose row changed after it was restored
    assert escalations_per_ticket(ids) == Counter(dict.fromkeys(ids, 1))
