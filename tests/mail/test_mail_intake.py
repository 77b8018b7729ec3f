"""Stored first, processed after: duplicates, two workers at once, a crash mid-intake, the auto-reply limit."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import OutboxMessage, Ticket, TicketEvent
from app.models.mail import AutoReplyLog, InboundMessage
from app.services.cases import ticket_service
from app.services.mail import mail_intake_service
from tests.mail.conftest import eml, events, our_id, outbox_to, receive, tickets

MARIA = "maria.lopez@example.com"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("case", ["new_known_customer_plain", "no_message_id"])
def test_the_same_mail_three_times_is_one_ticket(case):
    first = receive(eml(case))
    for _ in range(2):
        again = receive(eml(case))
        assert again.id == first.id
    assert count(InboundMessage) == 1 and count(Ticket) == 1
    assert len(outbox_to(MARIA)) == 1


def test_the_same_message_id_in_another_mailbox_is_another_message(app):
    mail_intake_service.receive(eml("new_known_customer_plain"), transport="pipe", mailbox="ventas@net1.mx")
    receive(eml("new_known_customer_plain"))
    assert count(InboundMessage) == 2


def _race(app, work, workers: int = 4) -> list:
    db.session.rollback()  # the test's own session must not hold SQLite's write lock meanwhile
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(work())
            except Exception as err:  # pragma: no cover - reported below
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return results


def test_two_workers_receiving_the_same_mail_at_once_make_one_ticket(app):
    raw = eml("new_known_customer_plain")
    rows = _race(app, lambda: mail_intake_service.receive(raw, transport="smtp").id)
    assert len(set(rows)) == 1
    assert count(InboundMessage) == 1 and count(Ticket) == 1
    assert len(outbox_to(MARIA)) == 1


def test_two_workers_receiving_the_same_reply_at_once_make_one_comment(app, mailed_ticket):
    raw = eml("reply_in_reply_to_ours", ourid=our_id(mailed_ticket))
    _race(app, lambda: mail_intake_service.receive(raw, transport="imap").id)
    assert len(events(mailed_ticket, "customer_email")) == 2  # the first mail and the one reply


def test_two_workers_processing_the_same_stored_mail_act_once(app):
    inbound_id, created = mail_intake_service.store_raw(eml("new_known_customer_plain"), transport="pipe")
    assert created
    outcomes = _race(app, lambda: mail_intake_service.process(inbound_id))
    assert sorted(outcomes, key=str) == sorted(["created", None, None, None], key=str)
    assert count(Ticket) == 1


def test_a_crash_after_storing_loses_nothing_and_process_pending_finishes_it():
    inbound_id, _created = mail_intake_service.store_raw(eml("new_known_customer_plain"), transport="pipe")
    # ... the process died here: the mail is stored, nothing else happened.
    assert db.session.get(InboundMessage, inbound_id).status == "received"
    assert tickets() == []
    assert mail_intake_service.process_pending() == {"created": 1}
    row = db.session.get(InboundMessage, inbound_id)
    assert row.status == "processed" and row.ticket_id == tickets()[0].id
    assert mail_intake_service.process_pending() == {}


def test_a_failure_mid_processing_rolls_everything_back_and_is_retried(monkeypatch):
    real = ticket_service.open_complaint

    def crash(**kwargs):
        real(**kwargs) if False else None  # noqa: B018 - the ticket would be created here
        raise RuntimeError("power cut")

    monkeypatch.setattr(ticket_service, "open_complaint", crash)
    row = receive(eml("multipart_inline_image_and_pdf"))
    assert (row.status, row.attempts) == ("failed", 1) and "power cut" in row.error
    assert tickets() == [] and count(OutboxMessage) == 0 and count(TicketEvent) == 0

    monkeypatch.setattr(ticket_service, "open_complaint", real)
    assert mail_intake_service.process_pending() == {"created": 1}
    assert db.session.get(InboundMessage, row.id).attempts == 2


def test_failed_mail_is_given_up_after_the_configured_attempts(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_INTAKE_MAX_ATTEMPTS", 2)
    monkeypatch.setattr(ticket_service, "open_complaint", lambda **kw: (_ for _ in ()).throw(RuntimeError("x")))
    row = receive(eml("new_known_customer_plain"))
    assert mail_intake_service.process_pending() == {"failed": 1}
    assert mail_intake_service.process_pending() == {}
    assert db.session.get(InboundMessage, row.id).attempts == 2


def test_a_persons_second_complaint_of_the_day_is_confirmed_and_answers_are_capped_per_day(app, monkeypatch):
    """Issue 13: the one-answer-per-day rule swallowed a person's second ticket; the cap is a backstop now."""
    monkeypatch.setitem(app.config, "MAIL_AUTO_REPLIES_PER_DAY", 2)
    for n in range(3):
        receive(eml("new_known_customer_plain").replace(b"new_known_customer_plain@", f"m{n}@".encode()))
    assert count(Ticket) == 3
    mails = outbox_to(MARIA)
    assert [m.status for m in mails] == ["pending", "pending", "suppressed"]
    assert mails[0].payload["auto_reply"] is True  # delivery marks it Auto-Submitted: auto-replied
    assert [log.suppressed for log in db.session.scalars(select(AutoReplyLog).order_by(AutoReplyLog.id))] == [
        False, False, True]
    clock.advance(timedelta(hours=24, minutes=1))
    receive(eml("new_known_customer_plain").replace(b"new_known_customer_plain@", b"tomorrow@"))
    assert outbox_to(MARIA)[-1].status == "pending"


def test_a_reply_never_gets_an_automatic_answer(mailed_ticket):
    receive(eml("reply_subject_tag_only", ticket=mailed_ticket.number))
    assert len(outbox_to(MARIA)) == 1


def test_an_unreadable_mail_is_stored_raw_and_ignored_without_crashing():
    row = receive(b"\x00\xff garbage without headers \r\n\r\n\x00")
    assert row.status == "ignored"  # no sender: never answered, never a ticket
    assert row.raw.startswith(b"\x00\xff")
    assert tickets() == []


def test_header_injection_in_the_subject_reaches_no_outgoing_header(app, smtp):
    from app.services.mail import outbox_service
    row = receive(eml("header_injection_subject"))
    ticket = db.session.get(Ticket, row.ticket_id)
    app.config["OUTBOX_KICK"] = False
    assert outbox_service.deliver_due()["sent"] == 1
    [mail] = smtp.inbox.messages
    assert mail["Bcc"] is None and "evil" not in str(mail["To"])
    assert [r.rcpt_tos for r in smtp.inbox.received] == [[MARIA]]
    assert ticket.number in mail["Subject"]
