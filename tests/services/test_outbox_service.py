"""Delivering the outbox: the complaint mail end to end, retries with backoff, dead letters, claims."""
from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.i18n import _, format_datetime
from app.models import OutboxMessage, TicketEvent
from app.services.mail import outbox_service
from app.services.transaction import transaction
from handlers import outbox
from tests.services.conftest import DESCRIPTION, open_complaint, validate

START = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def queue_mail(count: int = 1, subject: str = "Aviso de mantenimiento") -> list[int]:
    with transaction():
        messages = [outbox.queue("email", ticket=None, recipient=f"cliente{n}@example.com", subject=subject,
                                 body=f"Mensaje {n}: el servicio se interrumpirá de 2:00 a 3:00.")
                    for n in range(count)]
        db.session.flush()
        return [m.id for m in messages]


def row(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def rows() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_complaint_mail_reaches_the_customer_with_number_summary_and_estimated_date(smtp):
    ticket = validate(open_complaint())
    queued = len(rows())

    assert outbox_service.deliver_due()["sent"] == queued
    assert len(smtp.inbox.received) == queued
    mails = [m for m in smtp.inbox.messages if m["To"] == "maria.lopez@example.com"]
    received, confirmed = mails[0], next(m for m in mails if "fecha estimada de resolución" in m["Subject"])
    body = confirmed.get_content()
    assert ticket.number in confirmed["Subject"]
    assert "Su queja ha sido validada y registrada." in body
    assert f"Número de ticket: {ticket.number}" in body
    assert f"Resumen: {DESCRIPTION}" in body
    assert ticket.estimated_resolution_at is not None
    assert f"Fecha estimada de resolución: {format_datetime(ticket.estimated_resolution_at, 'medium')}" in body
    # Later mails to the customer thread under the first one.
    assert confirmed["In-Reply-To"] == confirmed["References"] == received["Message-ID"]
    assert received["Message-ID"].startswith("<outbox-") and ticket.number in received["Message-ID"]


def test_a_sent_mail_keeps_its_message_id_and_is_noted_on_the_timeline(smtp):
    ticket = open_complaint()
    outbox_service.deliver_due()

    [message] = rows()
    [mail] = smtp.inbox.messages
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 0
    assert message.payload["message_id"] == mail["Message-ID"]
    [event] = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                           TicketEvent.kind == "notification_sent"))
    assert event.message == _("E-mail sent to %(to)s: %(subject)s", to=message.recipient, subject=message.subject)
    assert not event.public


def test_a_mail_server_that_is_down_delays_the_mail_and_loses_none(mail_server):
    clock.freeze(START)
    [message_id] = queue_mail()

    assert outbox_service.deliver_due() == {"retry": 1}
    message = row(message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == START + outbox_service.retry_delay(1)
    assert str(mail_server.port) in message.last_error

    mail_server.start()
    assert outbox_service.deliver_due() == {}  # not due yet: the backoff holds
    clock.advance(outbox_service.retry_delay(1))
    assert outbox_service.deliver_due() == {"sent": 1}
    assert outbox_service.deliver_due() == {}
    assert len(mail_server.inbox.received) == 1
    assert row(message_id).status == "sent"


def test_retries_back_off_exponentially_up_to_a_cap_then_the_message_is_dead(app, mail_server, monkeypatch,
                                                                                caplog):
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 10)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_MAX_SECONDS", 100)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 6)
    assert [outbox_service.retry_delay(n).total_seconds() for n in range(1, 8)] == [10, 20, 40, 80, 100, 100, 100]
    clock.freeze(START)
    [message_id] = queue_mail()

    for attempt, wait in enumerate([10, 20, 40, 80, 100], start=1):
        assert outbox_service.deliver_due() == {"retry": 1}
        message = row(message_id)
        assert (message.status, message.attempts) == ("pending", attempt)
        assert message.next_attempt_at == clock.now() + timedelta(seconds=wait)
        clock.advance(timedelta(seconds=wait))

    with caplog.at_level(logging.ERROR, logger="app.services.mail.outbox_service"):
        assert outbox_service.deliver_due() == {"dead": 1}
    message = row(message_id)
    assert (message.status, message.attempts) == ("dead", 6)
    assert f"outbox message {message_id}" in caplog.text and "dead" in caplog.text

    mail_server.start()
    clock.advance(timedelta(days=1))
    assert outbox_service.deliver_due() == {}
    assert mail_server.inbox.received == []


def test_a_subject_that_would_inject_a_header_is_dead_at_once_and_the_others_still_go(smtp):
    [bad] = queue_mail(subject="Aviso\r\nBcc: x@y")
    [good] = queue_mail()

    assert outbox_service.deliver_due() == {"dead": 1, "sent": 1}
    assert (row(bad).status, row(bad).attempts) == ("dead", 1)
    assert "line break" in row(bad).last_error
    [received] = smtp.inbox.received
    assert received.rcpt_tos == ["cliente0@example.com"]
    assert received.message["Bcc"] is None and "x@y" not in received.message.as_string()
    assert row(good).status == "sent"


def test_only_due_and_abandoned_messages_are_claimed(smtp):
    clock.freeze(START)
    later, held = queue_mail(2)
    with transaction():
        row(later).next_attempt_at = START + timedelta(minutes=5)
        held_row = row(held)
        held_row.status, held_row.locked_until = "sending", START + timedelta(minutes=1)  # a live worker has it

    assert outbox_service.deliver_due() == {}
    assert outbox_service.claim_batch(10) == []
    clock.advance(timedelta(minutes=2))  # the lease ran out: that worker died mid-send
    assert outbox_service.deliver_due() == {"sent": 1}
    clock.advance(timedelta(minutes=3))
    assert outbox_service.deliver_due() == {"sent": 1}
    assert [r.status for r in rows()] == ["sent", "sent"]
    assert len(smtp.inbox.received) == 2


def test_a_worker_whose_lease_ran_out_cannot_undo_the_new_claim(app):
    clock.freeze(START)
    [message_id] = queue_mail()
    [stale] = outbox_service.claim_batch(10)
    clock.advance(timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1))
    [current] = outbox_service.claim_batch(10)
    assert current.outbox_id == message_id and current.claim != stale.claim

    assert outbox_service._record_failure(stale, TimeoutError("timed out"), permanent=False) is None
    message = row(message_id)
    assert (message.status, message.attempts, message.claim_token) == ("sending", 0, current.claim)


def test_crm_events_are_posted_and_retried_until_the_crm_accepts_them(crm):
    clock.freeze(START)
    with transaction():
        message = outbox.queue("crm", ticket=None, recipient=crm.url,
                               payload={"event": "registered", "ticket": "Q-2026-000001"})
        db.session.flush()
        message_id = message.id
    crm.status = 503
    assert outbox_service.deliver_due() == {"retry": 1}
    assert "HTTP 503" in row(message_id).last_error

    crm.status = 200
    clock.advance(outbox_service.retry_delay(1))
    assert outbox_service.deliver_due() == {"sent": 1}
    assert [body for _headers, body in crm.requests] == [{"event": "registered", "ticket": "Q-2026-000001"}] * 2


def test_two_workers_at_once_send_each_message_exactly_once(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BATCH", 4)  # many small claims, so the two workers interleave
    ids = queue_mail(30)
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        with app.app_context():
            start.wait()
            try:
                results.append(outbox_service.deliver_due())
            except Exception as err:  # surfaced below; a thread's exception would otherwise vanish
                errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r["sent"] for r in results) == 30
    assert sorted(r.rcpt_tos[0] for r in smtp.inbox.received) == sorted(f"cliente{n}@example.com" for n in range(30))
    assert {row(i).status for i in ids} == {"sent"}
