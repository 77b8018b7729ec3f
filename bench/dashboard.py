#!/usr/bin/env python3
"""The control dashboard at scale: 100,000 closed tickets (and a few open ones) over a year.

    python bench/dashboard.py [--tickets 100000] [--requests 20] [--database URL]

Builds the data set through the real tables (bulk Core inserts: customers with segment, zone and service,
tickets of every kind, priority, channel and team with their SLA deadlines, business-time measures, surveys
and comments, incident details with escalation levels) on a fresh SQLite file in a temporary folder, or on
``--database`` (an empty PostgreSQL database: the migrations run first), runs ANALYZE, then times the whole
dashboard page (every section), the JSON API and an export through the app's test client signed in as the
supervisor, for a month and for the whole year, unfiltered and filtered. Prints p50/p95 per request in ms.
Figures and the command that produced them: docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta

from common import ROOT, fresh_app, temporary_folder  # noqa: F401 - ROOT puts the project on sys.path

CHUNK = 5000
CUSTOMERS_PER_TICKET = 5  # a customer reports a case every few years: 20,000 customers for 100,000 tickets
OPEN_EVERY = 50  # one ticket in 50 is still open (the backlog)
KINDS = ("complaint", "complaint", "incident", "claim", "followup")
CATEGORIES = {"complaint": ("sin_servicio", "lentitud", "intermitencia", "equipo", "facturacion"),
              "incident": ("sin_servicio", "movil_pantalla", "movil_senal", "equipo"),
              "claim": (None,), "followup": ("insistencia_fuera_plazo", "insistencia_inconformidad")}
STATUS = {"complaint": "closed", "incident": "closed", "claim": "cancelled", "followup": "closed"}


def build(tickets: int, days: int = 365) -> None:
    from sqlalchemy import func, insert, select

    from app import clock
    from app.extensions import db
    from app.models import Customer, IncidentDetail, Team, Ticket, User

    rng = random.Random(16)
    teams = list(db.session.scalars(select(Team.id)))
    technicians = [u.id for u in db.session.scalars(select(User)) if "technician" in u.roles]
    first_ticket = (db.session.scalar(select(func.max(Ticket.id))) or 0) + 1
    first_customer = (db.session.scalar(select(func.max(Customer.id))) or 0) + 1
    now = clock.now()
    start = now - timedelta(days=days)
    customers = max(tickets // CUSTOMERS_PER_TICKET, 1)
    for offset in range(0, customers, CHUNK):
        db.session.execute(insert(Customer), [
            {"id": first_customer + i, "number": f"B-{first_customer + i:07d}", "name": f"Cliente {i}",
             "service_line": ("hogar", "negocio")[i % 2 and i % 3 == 0], "segment": ("residencial", "pyme",
             "corporativo")[i % 3], "zone": ("Norte", "Sur", "Centro", "Oriente", "Poniente")[i % 5],
             "created_at": start - timedelta(days=i % 400)} for i in range(offset, min(offset + CHUNK, customers))])
    for offset in range(0, tickets, CHUNK):
        rows, details = [], []
        for i in range(offset, min(offset + CHUNK, tickets)):
            kind = KINDS[i % len(KINDS)]
            reported = start + timedelta(seconds=days * 86400 * i // tickets)
            is_open = i % OPEN_EVERY == 0
            response = rng.randint(600, 8 * 3600)
            resolution = response + rng.randint(3600, 60 * 3600)
            responded = reported + timedelta(seconds=response * 2)  # wall time runs past business time
            resolved = None if is_open else reported + timedelta(seconds=resolution * 2)
            score = rng.choice((None, 1, 2, 3, 4, 4, 5, 5, 5)) if not is_open else None
            ticket_id = first_ticket + i
            rows.append({
                "id": ticket_id, "number": f"B-{ticket_id:08d}", "kind": kind, "customer_id":
                first_customer + i % customers, "channel": ("phone", "portal", "email", "social")[i % 4],
                "description": "Sin servicio", "reported_at": reported, "created_at": reported,
                "priority": ("alta", "media", "baja")[i % 3], "category": CATEGORIES[kind][i % len(CATEGORIES[kind])],
                "status": "diagnosing" if is_open else STATUS[kind], "team_id": teams[i % len(teams)],
                "assignee_id": technicians[i % len(technicians)], "sla_calendar": "horario_comercial",
                "response_due_at": reported + timedelta(hours=8), "sla_due_at": reported + timedelta(hours=72),
                "first_responded_at": responded, "response_seconds": response,
                "resolved_at": resolved, "closed_at": resolved, "resolution_seconds": None if is_open else resolution,
                "reopen_count": 1 if i % 17 == 0 else 0,
                "escalated_at": reported + timedelta(hours=9) if i % 11 == 0 else None,
                "survey_score": score, "survey_comment": "Buen servicio" if score and i % 7 == 0 else None})
            if kind == "incident":
                details.append({"ticket_id": ticket_id, "level": ("n1", "n1", "n2", "supervisor")[i % 4]})
        db.session.execute(insert(Ticket), rows)
        if details:
            db.session.execute(insert(IncidentDetail), details)
        db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def _times(client, urls: list[str], headers: dict | None = None) -> tuple[float, float, float]:
    """p50 and p95 of the wall time, and the p50 of the CPU time this process spent (the test client serves
    in-process, so it is the server's work; on a shared, loaded machine the wall time waits for a core)."""
    elapsed, cpu = [], []
    for url in urls:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers or {})
        elapsed.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    elapsed.sort()
    return statistics.median(elapsed), elapsed[max(0, int(len(elapsed) * 0.95) - 1)], statistics.median(cpu)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database", help="an empty database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)

    from app import clock
    from app.extensions import db
    from app.services.demo_service import DEMO_PASSWORD

    folder = temporary_folder()
    app = fresh_app(args.database, folder.name)
    with app.app_context():
        began = time.perf_counter()
        build(args.tickets)
        print(f"built {args.tickets} tickets in {time.perf_counter() - began:.0f} s on {db.engine.dialect.name}")
    client = app.test_client()
    login = client.get("/staff/login").get_data(True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login)
    client.post("/staff/login", data={"username": "supervisor", "password": DEMO_PASSWORD,
                                      "csrf_token": token.group(1) if token else ""})
    today = clock.now().date()
    month = f"from={(today - timedelta(days=29)).isoformat()}&to={today.isoformat()}"
    year = f"from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    token = client.post("/api/v1/auth/token", json={"username": "supervisor", "password": DEMO_PASSWORD}).json
    api = {"Authorization": f"Bearer {token['token']}"}
    n = args.requests
    pages = {
        "page, last 30 days": [f"/staff/control?{month}"],
        "page, whole year": [f"/staff/control?{year}"],
        "page, year, team + priority": [f"/staff/control?{year}&team=campo&priority=alta"],
        "page, year, segment + zone": [f"/staff/control?{year}&segment=pyme&zone=Sur"],
        "export breaches.xlsx, year": [f"/staff/control/breaches.xlsx?{year}"],
    }
    assert "Tablero de control" in client.get(f"/staff/control?{month}").get_data(True)
    pages["API, whole year"] = [f"/api/v1/reports/dashboard?{year}"]
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for name, urls in pages.items():
        p50, p95, cpu = _times(client, urls * n, api if name.startswith("API") else None)
        print(f"{name:32s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   cpu p50 {cpu:7.1f} ms")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
