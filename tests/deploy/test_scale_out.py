"""The multi-machine deployment on one box: two gunicorn web processes and two Huey workers (as the Procfile
runs them) against one PostgreSQL and one Redis, with complaints driven over HTTP through both webs.

Every write alternates between the two web processes, so each process completes a task of an instance the
other one advanced since it last saw it: the per-process cache of live workflows (app/workflow/engine.py)
must notice and load the stored state, or the completion would fail ("no longer pending") or save a stale
workflow. Afterwards nothing may be lost or doubled: every ticket closed along its path once, every queued
mail delivered once by one of the two workers. It runs in the PostgreSQL pass of `make test`
(TEST_DATABASE_URL names a PostgreSQL server, where it makes its own database) and is skipped when
PostgreSQL or Redis (127.0.0.1:6379) does not answer.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from itertools import count
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.api.conftest import Api, Complaint, _complaint_body
from tests.conftest import _postgres_database
from tests.mail_server import MailServer, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = "redis://127.0.0.1:6379/15"
LIFECYCLES, CLIENTS = 8, 4
PATH = ["validar_reporte", "diagnostico", "intervencion_remota", "pruebas_funcionalidad",
        "confirmar_resolucion", "encuesta_satisfaccion"]


def _postgres_answers() -> bool:
    if not POSTGRES_URL.startswith("postgresql"):
        return False
    try:
        engine = create_engine(make_url(POSTGRES_URL), connect_args={"connect_timeout": 3})
        engine.connect().close()
        engine.dispose()
        return True
    except Exception:
        return False


def _redis_answers() -> bool:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


class Response:
    """What tests/api/conftest.py's Api reads from a Flask test response, from a requests one."""

    def __init__(self, response: requests.Response):
        self.status_code = response.status_code
        self._response = response

    @property
    def json(self):
        return self._response.json()

    def get_data(self, as_text: bool = False):
        return self._response.text if as_text else self._response.content


class TwoServers:
    """An HTTP client for Api that sends each write to the web process the last write did not go to."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        self.session = requests.Session()
        self._writes, self._reads = count(), count()

    def open(self, path, method="GET", headers=None, json=None, query_string=None):
        turn = next(self._writes) if method != "GET" else next(self._reads)
        url = self.urls[turn % len(self.urls)] + path
        return Response(self.session.request(method, url, headers=headers, json=json, params=query_string,
                                             timeout=60))

    def post(self, path, json=None):
        return self.open(path, "POST", json=json)


@pytest.fixture
def deployment(tmp_path):
    if not _postgres_answers():
        pytest.skip(f"needs PostgreSQL in TEST_DATABASE_URL (now {POSTGRES_URL or 'unset'}) and answering")
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    database, drop = _postgres_database(POSTGRES_URL)
    mail = MailServer(free_port())
    mail.start()
    queue = f"atiende-deploy-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": REDIS_URL, "HUEY_NAME": queue,
           "SECRET_KEY": uuid.uuid4().hex, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail.port),
           "MAIL_USE_TLS": "", "MAIL_USERNAME": "", "RATELIMIT_STORAGE_URI": "memory://",
           # the clients sign in from one address faster than a person would: this test is about scale-out
           "RATELIMIT_ENABLED": "0",
           "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", "GUNICORN_ACCESS_LOG": "",
           "TRUSTED_HOSTS": "127.0.0.1,localhost",  # production settings: the hosts the clients use
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [str(BIN / "flask"), "--app", "app"]
    for release in (["db", "upgrade"], ["processes", "deploy"], ["demo", "load"]):  # the release phase
        subprocess.run(flask + release, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    ports = [free_port(), free_port()]
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = [subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"], cwd=ROOT,
                                  env={**env, "PORT": str(port)}, stdout=subprocess.DEVNULL,
                                  stderr=(logs / f"web{port}.log").open("w"), start_new_session=True)
                 for port in ports]
    processes += [subprocess.Popen(flask + ["worker", "run", "--workers", "2"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=(logs / f"worker{n}.log").open("w"),
                                   start_new_session=True) for n in (1, 2)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        _wait_until_serving(urls, processes, logs)
        yield urls, database, mail
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        mail.stop()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)
        client.close()
        drop()


def _wait_until_serving(urls, processes, logs, seconds=60):
    deadline = time.monotonic() + seconds
    waiting = list(urls)
    while waiting:
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            output = "\n".join(f"{log.name}:\n{log.read_text()[-2000:]}" for log in logs.iterdir())
            pytest.fail(f"the deployment did not start:\n{output}")
        try:
            requests.get(waiting[0] + "/staff/login", timeout=2).raise_for_status()
            waiting.pop(0)
        except requests.RequestException:
            time.sleep(0.2)


def drive(urls: list[str], number_of: int, errors: list, numbers: list) -> None:
    api = Api(TwoServers(urls))
    try:
        for n in range(number_of):
            number = api.post("/tickets", "agente", json=_complaint_body(description=f"Sin internet ({n})"),
                              expect=201).json["number"]
            complaint = Complaint(api, number)
            complaint.validate()
            complaint.diagnose("remota")
            complaint.fix_remotely()
            complaint.run_tests(passed=True)
            complaint.confirm(solved=True)
            complaint.answer_survey(score=5)
            numbers.append(number)
    except BaseException as err:  # surfaced by the test; a thread's exception would otherwise vanish
        errors.append(err)


def test_two_web_processes_and_two_workers_lose_and_double_nothing(deployment):
    urls, database, mail = deployment
    errors, numbers = [], []
    clients = [threading.Thread(target=drive, args=(urls, LIFECYCLES // CLIENTS, errors, numbers))
               for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    assert errors == []
    assert len(numbers) == LIFECYCLES

    engine = create_engine(database)
    try:
        with engine.connect() as conn:
            assert Counter(conn.scalars(text("SELECT status FROM ticket")).all()) == {"closed": LIFECYCLES}
            completed = conn.execute(text(
                "SELECT t.number, e.data FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id "
                "WHERE e.kind = 'task_completed' ORDER BY e.id")).all()
            per_ticket: dict[str, list[str]] = {}
            for number, data in completed:
                per_ticket.setdefault(number, []).append(data["task"])
            assert per_ticket == dict.fromkeys(numbers, PATH)  # each step once, in order
            assert conn.scalar(text("SELECT count(*) FROM workflow_instance WHERE status <> 'completed'")) == 0
            assert conn.scalar(text("SELECT count(*) FROM human_task WHERE status = 'ready'")) == 0
            queued = _wait_for_delivery(conn)
        received = Counter(m["Message-ID"] for m in mail.inbox.messages)
        assert set(received) == queued and set(received.values()) == {1}  # every mail once
    finally:
        engine.dispose()


def _wait_for_delivery(conn, seconds=90) -> set[str]:
    """The Message-IDs of the e-mail the workers delivered, once nothing is left to deliver."""
    deadline = time.monotonic() + seconds
    while True:
        conn.rollback()  # a fresh snapshot
        pending = conn.scalar(text(
            "SELECT count(*) FROM outbox_message WHERE channel = 'email' AND status IN ('pending', 'sending')"))
        if not pending:
            break
        assert time.monotonic() < deadline, f"{pending} mails still undelivered"
        time.sleep(0.5)
    statuses = Counter(conn.scalars(text("SELECT status FROM outbox_message WHERE channel = 'email'")).all())
    assert set(statuses) == {"sent"}, statuses
    ids = conn.scalars(text("SELECT payload FROM outbox_message WHERE channel = 'email'")).all()
    return {payload["message_id"] for payload in ids}
