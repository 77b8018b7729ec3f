#!/usr/bin/env python3
"""Complaint lifecycles over HTTP, served as ``make run`` serves them (gunicorn with gunicorn.conf.py).

    python bench/over_http.py [--clients 1,4,16] [--seconds 20] [--database URL] [--profile DIR]
    python bench/over_http.py --in-process 30 [--database URL]

Prepares a fresh database (SQLite in a temporary folder, or ``--database``, an empty database: migrations,
demo staff, processes), starts gunicorn on it with the repository's gunicorn.conf.py (a process per core,
threads in each, its access log included) and, for each K of ``--clients``, runs K threads for ``--seconds``
that each drive whole complaint lifecycles through the API with their own keep-alive connection:
POST /tickets, then for every step GET /tickets/<n> for its open task and POST /tasks/<id>/complete by the
user who may work it (agent, the assigned technician, the supervisor on the customer's behalf), remote path,
to closed. The worker is not started (mail stays in the outbox; the kick that enqueues its delivery is
counted, as it runs in the web process).

Prints per K: lifecycles/s, request p50/p95/p99, and the server's CPU per lifecycle (user + system time of
gunicorn's processes from /proc, over the run). With ``--profile DIR`` the server runs gunicorn's sync worker (one
request at a time per process) under cProfile and writes DIR/worker-<pid>.prof (the figures are then not comparable).
With ``--in-process N`` no server is started: N lifecycles (after three untimed ones) go through Flask's test client
in this process, one request at a time, and it prints the CPU time per lifecycle and per kind of request with its
SQL statements: the request layer and the services without gunicorn, steadier than the server's figures on a
shared machine (the worker's outbox kick is on, as in the server).
Targets (issue 14): >= 40 lifecycles/s at 16 clients, p95 < 100 ms, throughput growing from 1 to 4 clients,
server CPU <= 40 ms per lifecycle. Figures: docs/performance.md.
"""
from __future__ import annotations

# Not bench/http.py: Python puts a script's folder first on sys.path, so a file named http.py there would
# stand in for the standard library's http package in every script of bench/ (Werkzeug imports it).
import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import ROOT, fresh_app, load_average, temporary_folder

TARGET_RATE, TARGET_P95_MS, TARGET_CPU_MS = 40, 100, 40
TICKS = os.sysconf("SC_CLK_TCK")
COMPLAINT = {"customer_number": "C-1001", "channel": "phone", "priority": "media",
             "description": "El internet está muy lento desde el lunes, sobre todo en la noche."}
# Remote path: (task name, who completes it, its form data); "technician" is the ticket's assignee.
STEPS = [
    ("validar_reporte", "agente", {"valid": True, "category": "lentitud", "priority_override": "sin_cambio"}),
    ("diagnostico", "technician", {"diagnosis": "Saturación del canal Wi-Fi del módem.", "outcome": "remota"}),
    ("intervencion_remota", "technician", {"actions_remote": "Cambio remoto de canal Wi-Fi y reinicio."}),
    ("pruebas_funcionalidad", "technician", {"tests_passed": True, "test_notes": "Navegación estable."}),
    ("confirmar_resolucion", "supervisor", {"solved": True, "confirmation_comment": "Ya funciona."}),
    ("encuesta_satisfaccion", "supervisor", {"score": 5, "comments": "Atención rápida."}),
]
USERS = ("agente", "supervisor", "tecnico1", "tecnico2")


class Connection:
    """One client's keep-alive connection, timing every request."""

    def __init__(self, port: int, tokens: dict[str, str], timings: list[float]):
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens, self.timings = tokens, timings

    def call(self, method: str, path: str, user: str | None = None, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json", "Host": "localhost"}
        if user:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        began = time.perf_counter()
        self.http.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                          headers=headers)
        response = self.http.getresponse()
        data = response.read()
        self.timings.append((time.perf_counter() - began) * 1000)
        if response.status not in (200, 201):
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data)


class InProcess:
    """``Connection``'s interface over Flask's test client; CPU time and SQL statements per kind of request."""

    def __init__(self, app, tokens: dict[str, str]):
        from sqlalchemy import event

        from app.extensions import db

        self.client, self.tokens, self.statements = app.test_client(), tokens, 0
        self.costs: dict[str, list[tuple[float, int]]] = {}
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.statements += 1

    def call(self, method: str, path: str, user: str | None = None, body: dict | None = None) -> dict:
        headers = {"Host": "localhost"}
        if user:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        statements, began = self.statements, time.process_time()
        response = self.client.open("/api/v1" + path, method=method, json=body, headers=headers)
        kind = f"{method} {re.sub(r'/[^/]*[0-9][^/]*', '/…', path)}"
        self.costs.setdefault(kind, []).append(((time.process_time() - began) * 1000, self.statements - statements))
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.data[:300]!r}")
        return response.get_json()


def in_process(app, n: int) -> None:
    from app.services.demo_service import DEMO_PASSWORD

    conn = InProcess(app, {})
    conn.tokens = {user: conn.call("POST", "/auth/token", None, {"username": user, "password": DEMO_PASSWORD})["token"]
                   for user in USERS}
    for _ in range(3):  # diagrams parsed, caches filled
        lifecycle(conn)
    conn.costs.clear()
    began = time.process_time()
    for _ in range(n):
        lifecycle(conn)
    cpu = (time.process_time() - began) * 1000 / n
    print(f"{n} lifecycles in process: {cpu:.1f} ms CPU per lifecycle; load average {load_average()}")
    for kind, costs in conn.costs.items():
        print(f"  {kind:<28} {len(costs):>5} requests {statistics.mean(c for c, _s in costs):>7.2f} ms CPU "
              f"{statistics.mean(s for _c, s in costs):>6.1f} statements")


def lifecycle(conn: Connection) -> None:
    ticket = conn.call("POST", "/tickets", "agente", COMPLAINT)
    number = ticket["number"]
    for name, who, data in STEPS:
        if ticket is None:
            ticket = conn.call("GET", f"/tickets/{number}", "supervisor")
        [task] = [t for t in ticket["open_tasks"] if t["name"] == name]
        user = ticket["assignee"]["username"] if who == "technician" else who
        conn.call("POST", f"/tasks/{task['id']}/complete", user, {"data": data})
        ticket = None
    if conn.call("GET", f"/tickets/{number}", "supervisor")["status"]["code"] != "closed":
        raise RuntimeError(f"{number} did not close")


def run_clients(port: int, tokens: dict, clients: int, seconds: float) -> tuple[int, float, list[float]]:
    """K threads driving lifecycles until ``seconds`` pass; (lifecycles finished, elapsed, request times)."""
    timings: list[float] = []
    done = [0] * clients
    errors: list[BaseException] = []
    stop_at = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = Connection(port, tokens, timings)
        try:
            while time.perf_counter() < stop_at:
                lifecycle(conn)
                done[i] += 1
        except BaseException as err:  # reported after the run
            errors.append(err)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"a client failed: {errors[0]}")
    return sum(done), time.perf_counter() - began, timings


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's master and its workers (and their exited children)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += sum(int(v) for v in fields[11:15]) / TICKS  # utime stime cutime cstime
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database: str, folder: str, port: int, profile: str | None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "bench", "ATIENDE_ENV": "development",
           "HUEY_SQLITE_PATH": str(Path(folder) / "huey.sqlite"), "PORT": str(port), "HOST": "127.0.0.1"}
    config = str(ROOT / "gunicorn.conf.py")
    if profile:
        env["BENCH_PROFILE_DIR"] = profile
        config = str(ROOT / "bench" / "gunicorn_profile.py")
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config", config], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/staff/login", headers={"Host": "localhost"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def tokens_for(port: int) -> dict[str, str]:
    from app.services.demo_service import DEMO_PASSWORD

    conn = Connection(port, {}, [])
    return {user: conn.call("POST", "/auth/token", None, {"username": user, "password": DEMO_PASSWORD})["token"]
            for user in USERS}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database", help="an empty database URL (default: a fresh SQLite file)")
    parser.add_argument("--profile", help="a folder for the server's cProfile files (sync workers)")
    parser.add_argument("--in-process", type=int, metavar="N", help="N lifecycles through the test client, no server")
    args = parser.parse_args(argv)

    folder = temporary_folder()
    database = args.database or f"sqlite:///{Path(folder.name) / 'bench.sqlite'}"
    if args.in_process:
        in_process(fresh_app(database, folder.name, OUTBOX_KICK=True), args.in_process)
        return 0
    app = fresh_app(database, folder.name)
    with app.app_context():
        from app.extensions import db

        dialect = db.engine.dialect.name
        db.engine.dispose()
    port = free_port()
    server = start_server(database, folder.name, port, args.profile)
    results = []
    try:
        tokens = tokens_for(port)
        run_clients(port, tokens, 4, 5)  # warm every worker process (diagrams parsed, caches filled)
        print(f"gunicorn on {dialect}, {os.cpu_count()} cores; load average before: {load_average()}")
        print(f"{'clients':>7} {'lifecycles':>10} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
              f"{'server CPU ms/lifecycle':>24}")
        for k in (int(x) for x in args.clients.split(",")):
            cpu_before = server_cpu_seconds(server.pid)
            done, elapsed, timings = run_clients(port, tokens, k, args.seconds)
            cpu = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / max(done, 1)
            rate = done / elapsed
            p50, p95, p99 = (percentile(timings, s) for s in (0.5, 0.95, 0.99))
            results.append((k, rate, p95, cpu))
            print(f"{k:>7} {done:>10} {rate:>7.1f} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} {cpu:>24.1f}"
                  f"   ({statistics.mean(timings):.1f} ms mean over {len(timings)} requests)")
        print(f"load average after: {load_average()}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return verdict(results)


def verdict(results: list[tuple[int, float, float, float]]) -> int:
    by_k = {k: (rate, p95, cpu) for k, rate, p95, cpu in results}
    checks = []
    if 16 in by_k:
        checks.append((f">= {TARGET_RATE} lifecycles/s at 16 clients", by_k[16][0] >= TARGET_RATE))
    if 1 in by_k and 4 in by_k:
        checks.append(("throughput grows from 1 to 4 clients", by_k[4][0] > by_k[1][0]))
    checks.append((f"p95 < {TARGET_P95_MS} ms at every K", all(p95 < TARGET_P95_MS for _r, p95, _c in by_k.values())))
    checks.append((f"server CPU <= {TARGET_CPU_MS} ms per lifecycle",
                   all(cpu <= TARGET_CPU_MS for _r, _p, cpu in by_k.values())))
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _n, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
