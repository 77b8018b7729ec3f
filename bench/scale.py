#!/usr/bin/env python3
"""The staff task list and ticket page at scale: 100,000 tickets / 200,000 task rows.

    python bench/scale.py [--tickets 100000] [--database URL] [--requests 200]

Builds the data set through the real tables (bulk Core inserts: customers, tickets, one workflow instance
and two task-index rows per ticket, a fifth of the tickets open with a ready task) on a fresh SQLite file
in a temporary folder, or on ``--database`` (an empty PostgreSQL database: the migrations run first), runs
ANALYZE, then times pages through the app's test client signed in as the supervisor (the list opens on his
own tasks; "all" is every ready task of every lane): the task list's first page, keyset pages deeper in
(``after``), each sort, and ticket pages. Prints p50/p95 per page in ms, wall and CPU (``process_time``: the
test client serves in this process, so on SQLite that is all of a request's work; PostgreSQL's share runs in
its server), and the load average before and after (the machine is shared).
Figures and the command that produced them: docs/performance.md.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 5000
OPEN_EVERY = 5  # one ticket in five is open, with a ready task


def build(tickets: int) -> None:
    """Add ``tickets`` tickets with two task rows each to the app's database (in an app context)."""
    from sqlalchemy import func, insert, select

    from app import clock
    from app.extensions import db
    from app.models import Customer, HumanTask, ProcessVersion, Team, Ticket, User, WorkflowInstance

    version = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "queja_reparacion")
                                .order_by(ProcessVersion.id.desc()))
    teams = list(db.session.scalars(select(Team.code)))
    technicians = [u.id for u in db.session.scalars(select(User)) if "technician" in u.roles]
    lanes = [("Contact center", "validar_reporte", "Validar reporte"), ("Técnico", "diagnostico", "Diagnóstico"),
             ("Supervisor", "revision_supervisor", "Revisión del supervisor"),
             ("Cliente", "confirmar_resolucion", "Confirmar resolución")]
    priorities = ("alta", "media", "baja")
    first_ticket = (db.session.scalar(select(func.max(Ticket.id))) or 0) + 1
    first_customer = (db.session.scalar(select(func.max(Customer.id))) or 0) + 1
    first_instance = (db.session.scalar(select(func.max(WorkflowInstance.id))) or 0) + 1
    start = clock.now() - timedelta(days=400)
    for offset in range(0, tickets, CHUNK):
        ids = range(offset, min(offset + CHUNK, tickets))
        customers = [{"id": first_customer + i, "number": f"S-{first_customer + i:07d}", "name": f"Cliente {i}",
                      "phone": f"44{i:08d}"} for i in ids if i % 2 == 0]
        db.session.execute(insert(Customer), customers)
        rows, instances, tasks = [], [], []
        for i in ids:
            opened = start + timedelta(minutes=5 * i * 100_000 // max(tickets, 1))
            is_open = i % OPEN_EVERY == 0
            ticket_id = first_ticket + i
            rows.append({"id": ticket_id, "number": f"QS-{ticket_id:07d}", "customer_id": first_customer + i - i % 2,
                         "channel": ("phone", "portal", "email", "social")[i % 4], "description": "Sin servicio",
                         "status": "assigned" if is_open else "closed", "priority": priorities[i % 3],
                         "assignee_id": technicians[i % len(technicians)] if technicians else None,
                         "reported_at": opened})
            instances.append({"id": first_instance + i, "ticket_id": ticket_id, "process_version_id": version.id,
                              "status": "running" if is_open else "completed", "created_at": opened})
            for n in range(2):
                ready = is_open and n == 1
                lane, name, title = lanes[(i + n) % len(lanes)] if ready else lanes[n]
                tasks.append({"id": f"{ticket_id:08d}-0000-4000-8000-{n:012d}", "instance_id": first_instance + i,
                              "ticket_id": ticket_id, "process_id": "queja_reparacion", "task_name": name,
                              "title": title, "lane": lane, "candidate_team": teams[i % len(teams)] if teams else None,
                              "priority": priorities[i % 3], "status": "ready" if ready else "completed",
                              "due_at": opened + timedelta(hours=8 + i % 72) if i % 7 else None,
                              "created_at": opened + timedelta(minutes=n)})
        db.session.execute(insert(Ticket), rows)
        db.session.execute(insert(WorkflowInstance), instances)
        db.session.execute(insert(HumanTask), tasks)
        db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    if db.engine.dialect.name == "postgresql":
        # as autovacuum would after these inserts (it is off on some servers): without the visibility map, every
        # index-only read of the task index fetches the table's rows as well
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM human_task")


def _times(client, urls: list[str]) -> tuple[float, float, float, float]:
    """p50 and p95 of the wall time, then of the CPU time, in ms."""
    wall, cpu = [], []
    for url in urls:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return (*_p50_p95(wall), *_p50_p95(cpu))


def _p50_p95(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[max(0, int(len(values) * 0.95) - 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", help="an empty database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db
    from app.services import demo_service
    from app.services.demo_service import DEMO_PASSWORD
    from app.services.processes import process_service

    tmp = tempfile.TemporaryDirectory(prefix="atiende-scale-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database or f"sqlite:///{Path(tmp.name) / 'scale.sqlite'}",
                      "SECRET_KEY": "bench", "HUEY_SQLITE_PATH": str(Path(tmp.name) / "huey.sqlite"),
                      "OUTBOX_KICK": False, "TRUSTED_HOSTS": ["localhost"]})
    logging.disable(logging.INFO)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        demo_service.load_demo()
        process_service.deploy_directory(app.config["PROCESSES_DIR"])
        began = time.perf_counter()
        build(args.tickets)
        print(f"built {args.tickets} tickets / {2 * args.tickets} task rows in {time.perf_counter() - began:.0f} s "
              f"on {db.engine.dialect.name}")
    client = app.test_client()
    login = client.get("/staff/login").get_data(True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login)
    client.post("/staff/login", data={"username": "supervisor", "password": DEMO_PASSWORD,
                                      "csrf_token": token.group(1) if token else ""})
    first = client.get("/staff/tasks?scope=all&per_page=25").get_data(True)
    assert "task-link" in first, "the supervisor sees no task"
    deep, html = [], first
    for _ in range(40):  # follow the "next" links 40 pages in
        following = re.search(r'href="([^"]+)" rel="next"', html)
        if not following:
            break
        deep.append(following.group(1).replace("&amp;", "&"))
        html = client.get(deep[-1]).get_data(True)
    numbers = re.findall(r'href="/staff/tickets/([^"]+)"', first)
    n = args.requests
    pages = {
        "task list, first page (due)": ["/staff/tasks?scope=all"] * n,
        "task list, newest first": ["/staff/tasks?scope=all&sort=newest"] * n,
        "task list, by priority": ["/staff/tasks?scope=all&sort=priority"] * n,
        "task list, his own (mine)": ["/staff/tasks"] * n,
        "task list, keyset pages 2-41": (deep * (n // max(len(deep), 1) + 1))[:n],
        "ticket page": (["/staff/tickets/" + x for x in numbers] * n)[:n],
    }
    _times(client, ["/staff/tasks?scope=all"] * 5)  # warm the caches
    print("load average " + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    for name, urls in pages.items():
        p50, p95, cpu50, cpu95 = _times(client, urls)
        print(f"{name:32s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   CPU p50 {cpu50:6.1f} ms   p95 {cpu95:6.1f} ms")
    print("load average " + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
