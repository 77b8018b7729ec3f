"""The outbox senders against a real SMTP server (aiosmtpd) and a real HTTP server."""
from __future__ import annotations

import shutil
import ssl
import subprocess
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from aiosmtpd.smtp import AuthResult

from app import clock
from handlers import delivery
from tests.mail_server import free_port


def email(**fields) -> delivery.Envelope:
    values = {"outbox_id": 7, "channel": "email", "recipient": "maria.lopez@example.com",
              "subject": "[Q-2026-000001] Confirmación de su queja",
              "body": "Estimada María:\n\nSu queja quedó registrada. Número: Q-2026-000001.\n",
              "message_id": delivery.make_message_id(7, "Q-2026-000001")}
    return delivery.Envelope(**(values | fields))


def test_the_mail_arrives_in_utf8_with_date_and_our_message_id(app, smtp):
    clock.freeze(datetime(2026, 3, 2, 15, 30, tzinfo=UTC))
    delivery.send(email(), app.config)

    [received] = smtp.inbox.received
    mail = received.message
    assert received.rcpt_tos == ["maria.lopez@example.com"]
    assert received.mail_from == "soporte@net1.mx"
    assert mail["Subject"] == "[Q-2026-000001] Confirmación de su queja"
    body = mail.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert body == "Estimada María:\n\nSu queja quedó registrada. Número: Q-2026-000001.\n"
    assert mail.get_content_charset() == "utf-8"
    assert mail["Message-ID"] == "<outbox-7.Q-2026-000001@net1.mx>"
    assert parsedate_to_datetime(mail["Date"]) == clock.now()
    assert mail["In-Reply-To"] is None and mail["References"] is None


def test_a_later_mail_replies_to_the_first_so_they_thread(app, smtp):
    first = delivery.make_message_id(3, "Q-2026-000001")
    delivery.send(email(thread_root=first), app.config)

    [mail] = smtp.inbox.messages
    assert mail["In-Reply-To"] == first
    assert mail["References"] == first


@pytest.mark.parametrize("fields", [
    {"subject": "Hola\r\nBcc: x@y"},
    {"subject": "Hola\nBcc: x@y"},
    {"subject": "Hola\u2028Bcc: x@y"},
    {"recipient": "maria.lopez@example.com\r\nBcc: x@y"},
    {"recipient": "maria.lopez@example.com, x@y"},
    {"recipient": ""},
])
def test_header_injection_is_refused_and_nothing_is_sent(app, smtp, fields):
    with pytest.raises(delivery.Undeliverable):
        delivery.send(email(**fields), app.config)
    assert smtp.inbox.received == []


def test_a_mail_server_that_is_down_is_a_failure_to_retry(app, mail_server):
    with pytest.raises(delivery.DeliveryError, match=str(mail_server.port)):
        delivery.send(email(), app.config)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_it_logs_in_when_a_user_is_configured(app, mail_server, monkeypatch):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    mail_server.start(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "atiende")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "s3cret")
    delivery.send(email(), app.config)
    assert logins == [(b"atiende", b"s3cret")]
    assert len(mail_server.inbox.received) == 1

    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
    with pytest.raises(delivery.DeliveryError):
        delivery.send(email(), app.config)


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1 that the client trusts (through SSL_CERT_FILE)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_starttls_upgrades_the_connection_before_sending(app, mail_server, certificate, monkeypatch):
    mail_server.start(tls_context=certificate, require_starttls=True)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    with pytest.raises(delivery.DeliveryError):  # the server refuses mail over plain text
        delivery.send(email(), app.config)

    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    delivery.send(email(), app.config)
    assert len(mail_server.inbox.received) == 1


def crm_event(url: str) -> delivery.Envelope:
    return delivery.Envelope(outbox_id=9, channel="crm", recipient=url,
                             payload={"event": "registered", "ticket": "Q-2026-000001", "customer": "C-1001"})


def test_crm_events_are_posted_as_json_with_an_idempotency_key(app, crm):
    delivery.send(crm_event(crm.url), app.config)
    [(headers, body)] = crm.requests
    assert body == {"event": "registered", "ticket": "Q-2026-000001", "customer": "C-1001"}
    assert headers["Idempotency-Key"] == "outbox-9"


@pytest.mark.parametrize("status", [302, 404, 500, 503])
def test_a_crm_answer_other_than_2xx_is_a_failure_to_retry(app, crm, status):
    crm.status = status
    with pytest.raises(delivery.DeliveryError, match=f"HTTP {status}"):
        delivery.send(crm_event(crm.url), app.config)


def test_an_unreachable_crm_is_a_failure_to_retry(app):
    with pytest.raises(delivery.DeliveryError):
        delivery.send(crm_event(f"http://127.0.0.1:{free_port()}/"), app.config)


def test_an_unknown_channel_is_undeliverable(app):
    with pytest.raises(delivery.Undeliverable):
        delivery.send(delivery.Envelope(outbox_id=1, channel="fax", recipient="+52 449 000 0000"), app.config)
