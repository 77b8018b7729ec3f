"""Delivering the outbox in batches over one SMTP connection per drain, a lease renewed while sending, and a
worker killed in the middle of a batch (at-least-once, one duplicate at most, with the same Message-ID)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import OutboxMessage
from app.services.mail import outbox_service
from tests.services.test_outbox_service import queue_mail, rows

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def test_a_backlog_goes_out_in_batches_over_one_connection_for_the_whole_drain(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BATCH", 25)
    queue_mail(60)

    assert outbox_service.deliver_due() == {"sent": 60}  # one call drains the backlog
    received = smtp.inbox.received
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(f"cliente{n}@example.com" for n in range(60))
    assert len({r.peer for r in received}) == 1  # batches of 25 + 25 + 10, one connection kept for all
    assert {r.status for r in rows()} == {"sent"} and {r.claim_token for r in rows()} == {None}


def test_a_failing_mail_does_not_stop_the_rest_of_the_batch(app, smtp):
    queue_mail(2)
    queue_mail(1, subject="Aviso\r\nBcc: x@y")
    queue_mail(2)

    assert outbox_service.deliver_due() == {"sent": 4, "dead": 1}
    assert len(smtp.inbox.received) == 4 and len({r.peer for r in smtp.inbox.received}) == 1


def test_the_lease_is_renewed_while_a_batch_goes_out_so_no_other_worker_takes_it(app, smtp, monkeypatch):
    """Each mail takes 20 s of the (frozen) clock; after 100 s a second worker finds nothing to take."""
    monkeypatch.setitem(app.config, "OUTBOX_LEASE_SECONDS", 60)
    clock.freeze(START)
    ids = queue_mail(8)
    rival_claims = []

    def slow_server(received):
        clock.advance(timedelta(seconds=20))
        if len(smtp.inbox.received) == 5:
            with app.app_context():  # another worker, on its own connection
                rival_claims.append(outbox_service.claim_batch(100))

    smtp.inbox.on_message = slow_server
    assert outbox_service.deliver_due() == {"sent": 8}

    assert clock.now() - START == timedelta(seconds=160) and rival_claims == [[]]
    assert sorted(r.rcpt_tos[0] for r in smtp.inbox.received) == sorted(f"cliente{n}@example.com" for n in range(8))
    assert [r.status for r in rows()] == ["sent"] * len(ids)


WORKER = textwrap.dedent("""
    import sys
    from app import create_app
    from app.config import TestConfig
    from app.services.mail import outbox_service

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = sys.argv[1]
        MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME = "127.0.0.1", int(sys.argv[2]), False, ""

    app = create_app(Config)
    with app.app_context():
        outbox_service.deliver_due()
""")


def test_a_worker_killed_mid_batch_leaves_one_duplicate_at_most_with_the_same_message_id(app, smtp):
    """The server kills the worker process while it waits for the answer to the 4th mail: that mail arrived
    but its outcome was never recorded. The three before it are recorded as sent; after the lease runs out
    another worker sends the 4th again (same Message-ID) and the never-sent rest once."""
    ids = queue_mail(10)
    db.session.commit()  # the test's reads hold no snapshot while the worker process runs
    process = subprocess.Popen([sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"],
                                str(smtp.port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def kill_on_the_fourth(received):
        if len(smtp.inbox.received) == 4:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    smtp.inbox.on_message = kill_on_the_fourth
    returncode = process.wait(timeout=120)
    assert returncode == -signal.SIGKILL, process.stderr.read().decode()
    smtp.inbox.on_message = None

    statuses = [r.status for r in rows()]
    assert statuses == ["sent"] * 3 + ["sending"] * 7  # recorded one by one, as the server answered
    assert outbox_service.deliver_due() == {}  # the dead worker's lease still holds its batch

    clock.advance(timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1))
    assert outbox_service.deliver_due() == {"sent": 7}

    message_ids = Counter(m["Message-ID"] for m in smtp.inbox.messages)
    fourth = f"<outbox-{ids[3]}@net1.mx>"
    assert len(smtp.inbox.received) == 11 and message_ids[fourth] == 2
    assert set(message_ids) == {f"<outbox-{i}@net1.mx>" for i in ids}
    assert all(count == 1 for mid, count in message_ids.items() if mid != fourth)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status != "sent")) == 0
