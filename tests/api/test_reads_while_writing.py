"""API reads never wait for a writer: a ticket, its timeline and the task list answer while another connection
holds the write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the tables locked against writes)."""
from __future__ import annotations

import sqlite3
import threading

import psycopg

from app.extensions import db

LOCKED_TABLES = "ticket, ticket_event, human_task, api_token, \"user\""


def hold_write_lock():
    """Another connection in the middle of a write; returns its release."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        writer = sqlite3.connect(url.database, isolation_level=None, timeout=0)
        writer.execute("BEGIN IMMEDIATE")
        return lambda: (writer.execute("ROLLBACK"), writer.close())
    writer = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    writer.execute(f"LOCK TABLE {LOCKED_TABLES} IN EXCLUSIVE MODE")  # blocks every write, no read
    return lambda: (writer.rollback(), writer.close())


def test_api_reads_answer_while_another_connection_writes(app, api, diagnosing):
    number = diagnosing.number
    token = api.token("supervisor")
    db.session.remove()
    answers = {}

    def read():
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        for path in (f"/api/v1/tickets/{number}", f"/api/v1/tickets/{number}/events", "/api/v1/tasks"):
            answers[path] = client.get(path, headers=headers).status_code

    release = hold_write_lock()
    try:
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=10)  # a read that waited for the lock would still be waiting
        assert not reader.is_alive() and set(answers.values()) == {200}, answers
    finally:
        release()
        reader.join()
