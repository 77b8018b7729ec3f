"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives.

Its fixtures are loaded for every test by ``pytest_plugins`` in tests/conftest.py.
"""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    peer: tuple = ()  # the client's address and port: one per SMTP connection


class Inbox:
    """aiosmtpd handler: accepts every mail and keeps it, parsed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self.arrived = threading.Event()
        self.on_message = None  # a test's hook, called with each Received before the server answers 250

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), message, tuple(session.peer))
        with self._lock:
            self._received.append(received)
        if self.on_message is not None:
            self.on_message(received)
        self.arrived.set()
        return "250 Message accepted for delivery"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]


def free_port() -> int:
    """A loopback port nothing listens on (the OS just handed it out)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailServer:
    """Start and stop at will on a fixed port, to play a mail server that is down for a while."""

    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self, **options) -> None:
        """``options`` go to aiosmtpd's ``Controller`` (authenticator, tls_context, require_starttls...)."""
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()  # returns once the server answers

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def mail_server(app, monkeypatch):
    """A mail server that is down until the test starts it; the app sends to it."""
    server = MailServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    yield server
    server.stop()


@pytest.fixture
def smtp(mail_server):
    """A running mail server; read what arrived from ``smtp.inbox``."""
    mail_server.start()
    return mail_server
