#!/usr/bin/env python3
"""Timers falling due at once: N SLA escalations due in the same minute, fired by W worker processes.

    python bench/timers.py [--n 10000] [--workers 2] [--database URL_OF_AN_EMPTY_DATABASE]
    python bench/timers.py --n 500 --profile /tmp/timers.prof   # one sweep in this process under cProfile

One complaint is opened and validated through the services (its diagnosis task carries the SLA boundary
timer) with the clock two days back, then copied N-1 times row by row (tests/workload.py), so N instances
are due now. W processes (`fire` mode of this script, as `flask worker sweep` would) run
``timer_service.fire_due_timers`` at the same time. Timed: from starting the workers to the last one ending
(process start included). Then every ticket must have been escalated exactly once and nothing be left due.
Target: all fired within 60 s. Exit status 1 when the target or the exactly-once check fails.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from datetime import timedelta

from common import ROOT, fresh_app, load_average, run_workers, settings, temporary_folder

TARGET_SECONDS = 60


def build(app, n: int) -> None:
    from sqlalchemy import select

    from app import clock
    from app.extensions import db
    from app.models import HumanTask, User
    from app.services.cases import task_service, ticket_service
    from tests.workload import copy_ticket

    with app.app_context():
        clock.freeze(clock.now() - timedelta(days=2))
        agent = db.session.scalar(select(User).where(User.username == "agente"))
        ticket = ticket_service.open_complaint(channel="phone", description="Sin servicio desde ayer",
                                               actor=agent, customer_number="C-1001")
        task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id))
        task_service.complete_task(task.id, {"valid": True, "category": "sin_servicio",
                                             "priority_override": "sin_cambio"}, agent)
        clock.reset()
        copy_ticket(ticket.id, n - 1)


def fire(database: str, folder: str) -> None:
    """One worker process: fire whatever is due; print how many, and the wall and CPU time of the firing."""
    from app import create_app
    from app.services.cases import timer_service

    app = create_app(settings(database, folder))
    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        fired = timer_service.fire_due_timers()
        print(f"{fired} {time.perf_counter() - started:.1f} {time.process_time() - cpu:.1f}")


def profile(app, n: int, path: str) -> None:
    """One sweep in this process under cProfile (no second worker): CPU per escalation, the top printed."""
    from app.services.cases import timer_service

    with app.app_context():
        profiler, cpu = cProfile.Profile(), time.process_time()
        profiler.enable()
        fired = timer_service.fire_due_timers()
        profiler.disable()
        cpu = time.process_time() - cpu
    profiler.dump_stats(path)
    print(f"{fired} fired in one process, {cpu / max(fired, 1) * 1000:.1f} ms of CPU each under the profiler; "
          f"load average {load_average()}")
    pstats.Stats(path).sort_stats("cumulative").print_stats(30)


def check(app, n: int) -> tuple[bool, str]:
    from sqlalchemy import func, select

    from app import clock
    from app.extensions import db
    from app.models import TicketEvent, WorkflowInstance

    with app.app_context():
        escalated = Counter(db.session.scalars(select(TicketEvent.ticket_id).where(TicketEvent.kind == "escalated")))
        still_due = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
            WorkflowInstance.status == "running", WorkflowInstance.next_timer_due <= clock.now()))
        once = len(escalated) == n and set(escalated.values()) == {1}
        return once and still_due == 0, (f"tickets escalated: {len(escalated)} of {n}, "
                                         f"more than once: {sum(1 for c in escalated.values() if c > 1)}, "
                                         f"still due: {still_due}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="an EMPTY database (default: a new SQLite file)")
    parser.add_argument("--profile", metavar="FILE", help="one sweep in this process under cProfile, into FILE")
    parser.add_argument("--fire", nargs=2, metavar=("DATABASE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fire:
        fire(*args.fire)
        return 0
    with temporary_folder() as folder:
        app = fresh_app(args.database, folder)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        started = time.perf_counter()
        build(app, args.n)
        print(f"{args.n} due timers built in {time.perf_counter() - started:.0f} s on {database.split(':')[0]}")
        if args.profile:
            profile(app, args.n, args.profile)
            return 0
        seconds, outputs = run_workers(__file__, ["--fire", database, folder], args.workers)
        ok, summary = check(app, args.n)
        per_worker = ", ".join("{} in {} s ({} s CPU)".format(*o.split()) for o in outputs)
        print(f"fired by {args.workers} workers in {seconds:.1f} s ({args.n / seconds:.0f}/s; {per_worker}); "
              f"load average {load_average()}")
        print(summary)
        passed = ok and seconds <= TARGET_SECONDS
        print(f"{'PASS' if passed else 'FAIL'}: all {args.n} fire exactly once within {TARGET_SECONDS} s")
        return 0 if passed else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
