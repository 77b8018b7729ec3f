#!/usr/bin/env python3
"""What a ticket's Nth round costs against its first, through the API and the staff page.

    python bench/rounds.py [--rounds 500] [--window 20] [--database URL]

A round is: the technician's task list filtered to the ticket, Diagnóstico completed with "solicitar datos"
(POST /tasks/<id>/complete), the customer's answer taken by the agent (POST /tickets/<n>/messages, which
starts the next round), the ticket (GET /tickets/<n>), the newest page of its timeline
(GET /tickets/<n>/events) and the staff ticket page as the supervisor. Each round adds about five timeline
lines and a workflow instance, so anything that reads the whole history grows with it.

One ticket is first taken through ``rounds - window`` rounds (not timed). Then, ``window`` times, a fresh
ticket's first round and the old ticket's next round are timed one after the other, so both sides see the
same load on a shared machine. Everything runs in this process through the app's test client (no network).

Prints the median wall and CPU time of a first round and of a last round, their ratio, and the bytes the
rounds' responses carried. Target (issue 14): a last round costs at most 1.1x a first. Exit status 1 when
missed. Figures: docs/performance.md.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time

from common import ROOT, fresh_app, load_average, temporary_folder  # noqa: F401 - ROOT puts the app on sys.path

TARGET = 1.1
WALL, CPU, BYTES = range(3)  # the columns of ``timed``
PREFIX = "/api/v1"


class Client:
    """The test client with one bearer token per demo user, failing loudly on an unexpected status."""

    def __init__(self, app):
        from app.services.demo_service import DEMO_PASSWORD

        self.http = app.test_client()
        self.tokens = {}
        for user in ("agente", "supervisor", "tecnico1", "tecnico2"):
            answer = self.http.post(f"{PREFIX}/auth/token", json={"username": user, "password": DEMO_PASSWORD})
            self.tokens[user] = answer.json["token"]
        self.bytes = 0

    def call(self, method: str, path: str, user: str, **kwargs):
        answer = self.http.open(PREFIX + path, method=method,
                                headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kwargs)
        assert answer.status_code in (200, 201), (method, path, answer.status_code, answer.get_data(True)[:300])
        self.bytes += len(answer.data)
        return answer.json

    def page(self, path: str) -> str:
        answer = self.http.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        self.bytes += len(answer.data)
        return answer.get_data(True)

    def login_staff(self, username: str) -> None:
        from app.services.demo_service import DEMO_PASSWORD

        form = self.http.get("/staff/login").get_data(True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', form)
        self.http.post("/staff/login", data={"username": username, "password": DEMO_PASSWORD,
                                            "csrf_token": token.group(1) if token else ""})


def one_round(client: Client, number: str, technician: str, n: int) -> None:
    [task] = [t for t in client.call("GET", "/tasks", technician, query_string={"ticket": number})["tasks"]
              if t["name"] == "diagnostico"]
    client.call("POST", f"/tasks/{task['id']}/complete", technician, json={"data": {
        "diagnosis": f"Ronda {n}", "outcome": "solicitar_datos", "question": "¿Qué luces tiene el módem?"}})
    client.call("POST", f"/tickets/{number}/messages", "agente", json={"text": f"Respuesta {n}"})
    client.call("GET", f"/tickets/{number}", technician)
    client.call("GET", f"/tickets/{number}/events", technician)
    client.page(f"/staff/tickets/{number}")


def open_ticket(client: Client) -> tuple[str, str]:
    """A new complaint, validated: its number and the technician it was assigned to."""
    opened = client.call("POST", "/tickets", "agente", json={
        "customer_number": "C-1001", "channel": "phone", "description": "Internet muy lento desde ayer"})
    [validation] = [t for t in opened["open_tasks"] if t["name"] == "validar_reporte"]
    client.call("POST", f"/tasks/{validation['id']}/complete", "agente", json={
        "data": {"valid": True, "category": "lentitud", "priority_override": "sin_cambio"}})
    return opened["number"], client.call("GET", f"/tickets/{opened['number']}", "agente")["assignee"]["username"]


def timed(client: Client, number: str, technician: str, n: int) -> tuple[float, float, int]:
    """(wall ms, CPU ms, bytes answered) of one round."""
    client.bytes = 0
    began, began_cpu = time.perf_counter(), time.process_time()
    one_round(client, number, technician, n)
    return (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000, client.bytes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--window", type=int, default=20)
    parser.add_argument("--database", help="an empty database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)

    folder = temporary_folder()
    app = fresh_app(args.database, folder.name)
    client = Client(app)
    client.login_staff("supervisor")
    old = open_ticket(client)
    for n in range(args.rounds - args.window):
        one_round(client, *old, n)

    first, last = [], []
    for n in range(args.rounds - args.window, args.rounds):
        first.append(timed(client, *open_ticket(client), 0))
        last.append(timed(client, *old, n))

    ratio = median(last, WALL) / median(first, WALL)
    with app.app_context():
        from app.extensions import db

        dialect = db.engine.dialect.name
    print(f"{args.rounds} rounds of one ticket on {dialect}, load average {load_average()}")
    for name, rows in ((f"a first round (x{args.window})", first),
                       (f"rounds {args.rounds - args.window + 1}-{args.rounds}", last)):
        print(f"{name:24s} median {median(rows, WALL):6.1f} ms wall, {median(rows, CPU):6.1f} ms CPU, "
              f"{median(rows, BYTES):8.0f} bytes")
    print(f"ratio last/first: {ratio:.2f} wall, {median(last, CPU) / median(first, CPU):.2f} CPU "
          f"(target <= {TARGET}) {'PASS' if ratio <= TARGET else 'FAIL'}")
    return 0 if ratio <= TARGET else 1


def median(rows: list[tuple], column: int) -> float:
    return statistics.median(row[column] for row in rows)


if __name__ == "__main__":
    sys.exit(main())
