"""The transports for real: an SMTP intake server on loopback (aiosmtpd) fed by smtplib, the pipe command
through Flask's CLI runner, IMAP polling against a stub IMAPClient (no IMAP server can run here), and the
round trip: our confirmation goes out through the outbox to a real SMTP server, the customer's reply to it
comes back through the intake server and threads onto the ticket."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail import transports
from app.mail_cli import _deliver_in_app, poll_once
from app.models import Ticket
from app.models.mail import InboundMessage
from app.services.mail import mail_intake_service, outbox_service
from tests.mail.conftest import eml, events, receive, tickets
from tests.mail_server import free_port


@pytest.fixture
def intake_server(app):
    handler = transports.SMTPIntakeHandler(_deliver_in_app(app, "smtp"), ["soporte@net1.mx"])
    controller = transports.smtp_controller(handler, "127.0.0.1", free_port(), 1024 * 1024)
    controller.start()
    db.session.rollback()  # release SQLite's write lock for the server's threads
    yield controller
    controller.stop()


def send(controller, raw: bytes, to: str = "soporte@net1.mx") -> None:
    db.session.rollback()  # on SQLite even a read holds the write lock (BEGIN IMMEDIATE): let the server in
    with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as client:
        client.sendmail("maria.lopez@example.com", [to], raw)


def test_the_smtp_intake_server_stores_and_processes_what_it_receives(intake_server):
    send(intake_server, eml("multipart_inline_image_and_pdf"))
    db.session.expire_all()
    row = db.session.scalar(select(InboundMessage))
    assert (row.transport, row.envelope_from, row.outcome) == ("smtp", "maria.lopez@example.com", "created")
    assert len(tickets()) == 1


def test_the_smtp_intake_server_refuses_other_recipients_and_oversized_mail(intake_server):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(intake_server, eml("new_known_customer_plain"), to="otro@net1.mx")
    with pytest.raises(smtplib.SMTPException):
        send(intake_server, eml("new_known_customer_plain") + b"x" * (1024 * 1024 + 10))
    assert tickets() == []


def test_a_storage_failure_answers_451_so_the_sender_retries(intake_server, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(mail_intake_service, "store_raw", broken)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(intake_server, eml("new_known_customer_plain"))
    assert refused.value.smtp_code == 451


def test_round_trip_our_confirmation_and_the_customers_reply_thread(app, smtp, intake_server):
    send(intake_server, eml("new_known_customer_plain"))
    [ticket] = tickets()
    assert outbox_service.deliver_due()["sent"] == 1
    [confirmation] = smtp.inbox.messages
    assert confirmation["Subject"].startswith(f"[{ticket.number}]")
    assert "Resumen: Sin internet desde ayer" in confirmation.get_content()

    # The customer's mail program answers it: In-Reply-To/References name our Message-ID, no ticket tag.
    answer = EmailMessage()
    answer["From"] = "María López <maria.lopez@example.com>"
    answer["To"] = "soporte@net1.mx"
    answer["Subject"] = "Re: Su queja"
    answer["Message-ID"] = "<respuesta-1@cliente.example.com>"
    answer["In-Reply-To"] = confirmation["Message-ID"]
    answer["References"] = confirmation["Message-ID"]
    answer.set_content("El módem ya tiene luz verde.\n\n> Hemos recibido su queja\n")
    send(intake_server, answer.as_bytes())

    db.session.expire_all()
    reply = db.session.scalar(select(InboundMessage).where(
        InboundMessage.message_id == "respuesta-1@cliente.example.com"))
    assert (reply.outcome, reply.ticket_id) == ("comment", ticket.id)
    assert events(ticket, "customer_email")[-1].message == "El módem ya tiene luz verde."
    assert len(tickets()) == 1


def test_the_pipe_command_reads_one_message_from_stdin(app):
    result = app.test_cli_runner().invoke(args=["mail", "pipe"], input=eml("body_qp_iso88591"))
    assert result.exit_code == 0, result.output
    assert "processed (created)" in result.output
    [ticket] = tickets()
    assert "Señal intermitente en la habitación" in ticket.description
    again = app.test_cli_runner().invoke(args=["mail", "pipe"], input=eml("body_qp_iso88591"))
    assert again.exit_code == 0 and len(tickets()) == 1


def test_the_pipe_command_refuses_an_oversized_message_and_tempfails_when_storage_fails(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_MESSAGE_BYTES", 100)
    assert app.test_cli_runner().invoke(args=["mail", "pipe"], input=eml("body_qp_utf8")).exit_code == 65
    monkeypatch.setitem(app.config, "MAIL_MAX_MESSAGE_BYTES", 10_000_000)
    monkeypatch.setattr(mail_intake_service, "store_raw", lambda *a, **k: (_ for _ in ()).throw(OSError("disk")))
    assert app.test_cli_runner().invoke(args=["mail", "pipe"], input=eml("body_qp_utf8")).exit_code == 75


def test_process_pending_command_finishes_stored_mail(app):
    mail_intake_service.store_raw(eml("new_known_customer_plain"), transport="pipe")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "process-pending"])
    assert result.exit_code == 0 and "created: 1" in result.output
    assert len(tickets()) == 1


class StubIMAP:
    """Stands in for imapclient.IMAPClient (same method names and return shapes)."""

    def __init__(self, messages: dict[int, bytes], fail_on: int | None = None):
        self.messages, self.seen, self.moved, self.fail_on = messages, set(), [], fail_on
        self.downloaded: list[int] = []
        self.calls: list[tuple] = []

    def __call__(self, host, port, ssl, ssl_context, timeout):
        self.calls.append(("connect", host, port, ssl))
        return self

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def select_folder(self, folder):
        self.calls.append(("select", folder))

    def search(self, criteria):
        assert criteria == ["UNSEEN"]
        return [uid for uid in self.messages if uid not in self.seen]

    def fetch(self, uids, items):
        if items == ["RFC822.SIZE"]:
            return {uid: {b"SEQ": uid, b"RFC822.SIZE": len(self.messages[uid])} for uid in uids}
        assert items == ["BODY.PEEK[]"]
        self.downloaded.extend(uids)
        return {uid: {b"SEQ": uid, b"BODY[]": self.messages[uid]} for uid in uids}

    def add_flags(self, uids, flags):
        self.seen.update(uids)

    def move(self, uids, folder):
        self.moved.append((list(uids), folder))
        self.seen.update(uids)

    def logout(self):
        self.calls.append(("logout",))


@pytest.fixture
def imap_config(app, monkeypatch):
    for key, value in {"MAIL_IMAP_HOST": "imap.example.com", "MAIL_IMAP_USERNAME": "soporte",
                       "MAIL_IMAP_PASSWORD": "s3cret", "MAIL_IMAP_PROCESSED_FOLDER": ""}.items():
        monkeypatch.setitem(app.config, key, value)


def test_imap_polling_takes_unseen_mail_once_and_marks_it_seen(app, imap_config):
    stub = StubIMAP({1: eml("new_known_customer_plain"), 2: eml("x_autoreply"), 3: eml("new_unknown_sender")})
    db.session.rollback()
    assert poll_once(app, stub) == 3
    assert stub.seen == {1, 2, 3}
    assert ("login", "soporte", "s3cret") in stub.calls and stub.calls[-1] == ("logout",)
    assert len(tickets()) == 2
    db.session.rollback()
    assert poll_once(app, stub) == 0
    # Stored but not flagged (a crash between the two): the next poll delivers it again, harmlessly.
    stub.seen.clear()
    db.session.rollback()
    assert poll_once(app, stub) == 3
    assert len(tickets()) == 2
    assert {r.transport for r in db.session.scalars(select(InboundMessage))} == {"imap"}


def test_imap_polling_can_move_processed_mail_to_a_folder(app, imap_config, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_IMAP_PROCESSED_FOLDER", "Procesados")
    stub = StubIMAP({7: eml("new_known_customer_plain")})
    db.session.rollback()
    poll_once(app, stub)
    assert stub.moved == [([7], "Procesados")]


def test_a_message_over_the_size_limit_is_never_downloaded(app, imap_config, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_MESSAGE_BYTES", 4096)
    stub = StubIMAP({1: eml("new_known_customer_plain"), 2: eml("new_known_customer_plain") + b"x" * 8192})
    db.session.rollback()
    assert poll_once(app, stub) == 1
    assert stub.downloaded == [1] and stub.seen == {1, 2}


def test_a_message_that_could_not_be_stored_stays_unseen(app, imap_config, monkeypatch):
    monkeypatch.setattr(mail_intake_service, "store_raw", lambda *a, **k: (_ for _ in ()).throw(OSError("db")))
    stub = StubIMAP({1: eml("new_known_customer_plain")})
    assert poll_once(app, stub) == 0
    assert stub.seen == set()


def test_receive_returns_the_row_for_the_transport():
    row = receive(eml("new_known_customer_plain"), transport="pipe")
    assert db.session.get(Ticket, row.ticket_id).channel == "email"


def test_the_stub_is_called_the_way_the_real_imapclient_accepts(app, imap_config):
    import inspect

    from imapclient import IMAPClient

    stub = StubIMAP({})
    transports.connect_imap(app.config, stub)
    [(_connect, host, port, use_ssl)] = [c for c in stub.calls if c[0] == "connect"]
    inspect.signature(IMAPClient).bind(host, port=port, ssl=use_ssl, ssl_context=None, timeout=30.0)
    for name in ("login", "select_folder", "search", "fetch", "add_flags", "move", "logout"):
        assert callable(getattr(IMAPClient, name))
