"""Outbox senders: e-mail over SMTP and CRM events over HTTP.

They only do the I/O; ``app.services.mail.outbox_service`` claims the rows and records the outcome. ``config``
is the application's settings as a plain mapping (handlers never import Flask).
"""
from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import requests

from app import clock
from app.i18n import _
from app.models import OutboxMessage, Ticket
from handlers import timeline

MESSAGE_ID_DOMAIN = "atiende.local"
# Every character str.splitlines() breaks on: any of them would end a header and start another.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# A Message-ID we may put in In-Reply-To/References (they come from stored payloads, never from parsed headers).
MESSAGE_ID = re.compile(r"^<[^<>\s]{1,900}>$")
MAX_REFERENCES = 20


class DeliveryError(Exception):
    """The message could not be sent now; it is retried later."""


class Undeliverable(Exception):
    """The message can never be sent as it is; retrying would not help."""


@dataclass(frozen=True)
class Envelope:
    """What a send needs, read from the row while claiming it: the send itself runs outside any transaction."""

    outbox_id: int
    channel: str
    recipient: str
    ticket_id: int | None = None
    attempts: int = 0
    locked_until: datetime | None = None  # the claim's lease: only its holder may record a failure
    subject: str = ""
    body: str = ""
    payload: dict = field(default_factory=dict)
    message_id: str | None = None  # e-mail only
    thread_root: str | None = None  # Message-ID of the first mail of the ticket to this recipient


def make_message_id(outbox_id: int, ticket_number: str | None) -> str:
    """Stable across retries, so a duplicate caused by a lost acknowledgement can be recognised."""
    local = f"outbox-{outbox_id}.{ticket_number}" if ticket_number else f"outbox-{outbox_id}"
    return f"<{local}@{MESSAGE_ID_DOMAIN}>"


def envelope(message: OutboxMessage, ticket: Ticket | None, thread_root: str | None = None) -> Envelope:
    is_email = message.channel == "email"
    return Envelope(
        outbox_id=message.id, channel=message.channel, recipient=message.recipient, ticket_id=message.ticket_id,
        attempts=message.attempts, locked_until=message.locked_until, subject=message.subject,
        body=message.body, payload=dict(message.payload or {}),
        message_id=make_message_id(message.id, ticket.number if ticket else None) if is_email else None,
        thread_root=thread_root if is_email else None)


def send(env: Envelope, config: dict) -> None:
    """Deliver ``env``; raise ``DeliveryError`` (retry later) or ``Undeliverable`` (give up)."""
    senders = {"email": send_email, "crm": post_crm, "billing": post_billing}
    if env.channel not in senders:
        raise Undeliverable(f"unknown outbox channel {env.channel!r}")
    senders[env.channel](env, config)


def build_email(env: Envelope, config: dict) -> EmailMessage:
    _check_header("Subject", env.subject)
    _check_header("To", env.recipient)
    if "@" not in env.recipient or parseaddr(env.recipient)[1] != env.recipient:
        raise Undeliverable(f"the recipient {env.recipient!r} is not one e-mail address")
    mail = EmailMessage()
    mail["From"] = config["MAIL_SENDER"]
    mail["To"] = env.recipient
    mail["Subject"] = env.subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = env.message_id
    in_reply_to, references = _thread(env)
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = " ".join(references)
    if env.payload.get("auto_reply"):
        # RFC 3834: our automatic answer (the confirmation of a mailed-in ticket); well-behaved
        # auto-responders do not answer it, and Exchange is asked not to either.
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"
    # quoted-printable keeps the Spanish text 7-bit clean for servers without 8BITMIME.
    mail.set_content(env.body, charset="utf-8", cte="quoted-printable")
    return mail


def _thread(env: Envelope) -> tuple[str | None, list[str]]:
    """In-Reply-To and References: the staff reply's own (payload, set by mail_reply_service) else the
    first mail of the ticket to this recipient. Anything that is not one well-formed <id> is dropped."""
    valid = lambda value: isinstance(value, str) and MESSAGE_ID.match(value) is not None  # noqa: E731
    given = env.payload.get("references") or []
    references = [r for r in given if valid(r)][-MAX_REFERENCES:] if isinstance(given, list) else []
    in_reply_to = env.payload.get("in_reply_to") if valid(env.payload.get("in_reply_to")) else None
    root = env.thread_root if valid(env.thread_root) else None
    if root and root not in references:
        references.insert(0, root)
    return in_reply_to or root, references


def _check_header(name: str, value: str) -> None:
    if LINE_BREAK.search(value):
        raise Undeliverable(f"the {name} header contains a line break")


def send_email(env: Envelope, config: dict) -> None:
    mail = build_email(env, config)
    server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    try:
        with smtplib.SMTP(server, port, timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(mail, to_addrs=[env.recipient])
    except OSError as err:  # smtplib.SMTPException is an OSError too
        raise DeliveryError(f"SMTP {server}:{port}: {err}") from err


def post_crm(env: Envelope, config: dict) -> None:
    url = env.recipient or config["CRM_URL"]
    try:
        # The key lets the CRM ignore a retry whose first attempt arrived but whose answer was lost.
        response = requests.post(url, json=env.payload, timeout=config["CRM_TIMEOUT"],
                                 headers={"Idempotency-Key": f"outbox-{env.outbox_id}"})
    except requests.RequestException as err:
        raise DeliveryError(f"CRM {url}: {err}") from err
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"CRM {url}: HTTP {response.status_code} {response.text[:200]}")


def post_billing(env: Envelope, config: dict) -> None:
    """A credit note or adjustment request of an approved claim line, to the billing system."""
    try:
        response = requests.post(env.recipient, json=env.payload, timeout=float(config.get("BILLING_TIMEOUT", 5)),
                                 headers={"Idempotency-Key": f"outbox-{env.outbox_id}"})
    except requests.RequestException as err:
        raise DeliveryError(f"billing {env.recipient}: {err}") from err
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"billing {env.recipient}: HTTP {response.status_code} {response.text[:200]}")


def note_sent(env: Envelope, ticket: Ticket | None) -> None:
    """A line on the ticket's timeline for every mail that went out."""
    if env.channel == "email" and ticket is not None:
        timeline.add_event(ticket, "notification_sent",
                           _("E-mail sent to %(to)s: %(subject)s", to=env.recipient, subject=env.subject),
                           public=False, data={"outbox_id": env.outbox_id})
