"""Outbox senders: e-mail over SMTP, CRM events, billing requests and signed webhook notices over HTTP.

They only do the I/O; ``app.services.mail.outbox_service`` claims the rows and records the outcome. ``config``
is the application's settings as a plain mapping (handlers never import Flask). A ``Sender`` sends a batch
of messages in a row, all the e-mail over one SMTP connection.
"""
from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import requests

from app import brand, clock
from app.i18n import _
from app.models import OutboxMessage, WebhookEndpoint
from handlers import webhooks

# Every character str.splitlines() breaks on: any of them would end a header and start another.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# A Message-ID we may put in In-Reply-To/References (they come from stored payloads, never from parsed headers).
MESSAGE_ID = re.compile(r"^<[^<>\s]{1,900}>$")
MAX_REFERENCES = 20
HUMAN_REPLY = "staff_reply"  # payload kind of a mail a person wrote (app.services.mail.mail_reply_service)


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
    claim: str | None = None  # the claim's token: only its holder may record a failure or renew the lease
    subject: str = ""
    body: str = ""
    payload: dict = field(default_factory=dict)
    message_id: str | None = None  # e-mail only
    thread_root: str | None = None  # Message-ID of the first mail of the ticket to this recipient
    # Webhook only: the endpoint (``recipient`` is its code) as registered when the row was claimed.
    url: str = ""
    secret: str = field(default="", repr=False)


def make_message_id(outbox_id: int, ticket_number: str | None, domain: str | None = None) -> str:
    """Stable across retries, so a duplicate caused by a lost acknowledgement can be recognised; in the
    company's domain (``MAIL_MESSAGE_ID_DOMAIN``), as receivers expect of the sender's own ids."""
    local = f"outbox-{outbox_id}.{ticket_number}" if ticket_number else f"outbox-{outbox_id}"
    return f"<{local}@{domain or brand.message_id_domain()}>"


def envelope(message: OutboxMessage, ticket_number: str | None, thread_root: str | None = None) -> Envelope:
    """``message`` is an outbox row (the model or a plain row with its columns)."""
    is_email = message.channel == "email"
    endpoint = WebhookEndpoint.of(message.recipient) if message.channel == "webhook" else None
    if endpoint is not None and not endpoint.active:
        endpoint = None  # switched off since the notice was queued: it is not sent
    return Envelope(
        outbox_id=message.id, channel=message.channel, recipient=message.recipient, ticket_id=message.ticket_id,
        attempts=message.attempts, claim=message.claim_token, subject=message.subject,
        body=message.body, payload=dict(message.payload or {}),
        message_id=make_message_id(message.id, ticket_number) if is_email else None,
        thread_root=thread_root if is_email else None,
        url=endpoint.url if endpoint else "", secret=endpoint.secret if endpoint else "")


def send(env: Envelope, config: dict) -> None:
    """Deliver ``env`` on its own connection; raise ``DeliveryError`` (retry later) or ``Undeliverable``."""
    with Sender(config) as sender:
        sender.send(env)


class Sender:
    """Sends envelopes one after another; e-mail goes over one SMTP connection, opened on first use.

    A failure of one message (refused recipient, 4xx/5xx answer) leaves the connection to the next one; a
    broken connection is reopened for the next message, and a server that cannot be reached at all fails
    the rest of the batch at once instead of timing out once per message.
    """

    def __init__(self, config: dict):
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: DeliveryError | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, env: Envelope) -> None:
        if env.channel == "email":
            self._send_email(env)
        elif env.channel == "crm":
            post_crm(env, self.config)
        elif env.channel == "billing":
            post_billing(env, self.config)
        elif env.channel == "webhook":
            post_webhook(env, self.config)
        else:
            raise Undeliverable(f"unknown outbox channel {env.channel!r}")

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except OSError:
                self._smtp.close()
            self._smtp = None

    def _send_email(self, env: Envelope) -> None:
        mail = build_email(env, self.config)
        smtp = self._connection()
        try:
            smtp.send_message(mail, to_addrs=[env.recipient])
        except smtplib.SMTPResponseException as err:
            # The server answered (and smtplib reset the transaction): the connection serves the next mail.
            if err.smtp_code == 421:  # "service not available, closing the channel"
                self._drop()
            raise DeliveryError(f"SMTP {self._where()}: {err}") from err
        except OSError as err:  # SMTPServerDisconnected, SMTPRecipientsRefused, timeouts, resets
            if not isinstance(err, smtplib.SMTPRecipientsRefused):
                self._drop()
            raise DeliveryError(f"SMTP {self._where()}: {err}") from err

    def _connection(self) -> smtplib.SMTP:
        if self._unreachable is not None:
            raise self._unreachable
        if self._smtp is None:
            config = self.config
            smtp = None
            try:
                smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
                if config["MAIL_USE_TLS"]:
                    smtp.starttls(context=ssl.create_default_context())
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            except OSError as err:  # smtplib.SMTPException is an OSError too
                if smtp is not None:
                    smtp.close()
                self._unreachable = DeliveryError(f"SMTP {self._where()}: {err}")
                raise self._unreachable from err
            self._smtp = smtp
        return self._smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _where(self) -> str:
        return f"{self.config['MAIL_SERVER']}:{self.config['MAIL_PORT']}"


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
    if env.payload.get("kind") != HUMAN_REPLY:
        # RFC 3834: automatic mail says so (the confirmation of a mailed-in ticket answers the customer's
        # mail: auto-replied; status updates: auto-generated); well-behaved auto-responders do not answer
        # it, and Exchange is asked not to either. A reply a person wrote carries neither.
        mail["Auto-Submitted"] = "auto-replied" if env.payload.get("auto_reply") else "auto-generated"
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


def post_crm(env: Envelope, config: dict) -> None:
    _post_json("CRM", env.recipient or config["CRM_URL"], env, config["CRM_TIMEOUT"])


def post_billing(env: Envelope, config: dict) -> None:
    """A credit note or adjustment request of an approved claim line, to the billing system."""
    _post_json("billing", env.recipient, env, float(config.get("BILLING_TIMEOUT", 5)))


def _post_json(system: str, url: str, env: Envelope, timeout: float) -> None:
    try:
        # The key lets the other side ignore a retry whose first attempt arrived but whose answer was lost.
        response = requests.post(url, json=env.payload, timeout=timeout,
                                 headers={"Idempotency-Key": f"outbox-{env.outbox_id}"})
    except requests.RequestException as err:
        raise DeliveryError(f"{system} {url}: {err}") from err
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"{system} {url}: HTTP {response.status_code} {response.text[:200]}")


def post_webhook(env: Envelope, config: dict) -> None:
    """A webhook notice, signed with its endpoint's secret (handlers/webhooks.py says how)."""
    if not env.url:
        raise Undeliverable(f"the webhook endpoint {env.recipient!r} is not registered or not active")
    try:
        response = webhooks.post(env.url, env.secret, env.payload, idempotency_key=f"outbox-{env.outbox_id}",
                                 timeout=float(config["WEBHOOK_TIMEOUT"]))
    except requests.RequestException as err:
        raise DeliveryError(f"webhook {env.recipient}: {err}") from err
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook {env.recipient}: HTTP {response.status_code} {response.text[:200]}")


def sent_line(env: Envelope) -> dict | None:
    """The timeline line (``ticket_event`` values) of a mail or webhook notice that went out."""
    if env.ticket_id is None:
        return None
    if env.channel == "email":
        return _line(env, "notification_sent", _("E-mail sent to %(to)s: %(subject)s", to=env.recipient,
                                                 subject=env.subject))
    if env.channel == "webhook":
        return _line(env, "webhook_sent", _("Notice delivered to the webhook %(code)s: %(subject)s",
                                            code=env.recipient, subject=env.subject))
    return None


def failed_line(env: Envelope, error: str, *, final: bool) -> dict | None:
    """A webhook the endpoint did not take: each failed try on the timeline, and when the outbox gives up."""
    if env.ticket_id is None or env.channel != "webhook":
        return None
    if final:
        message = _("The webhook %(code)s did not take the notice; it will not be retried: %(error)s",
                    code=env.recipient, error=error)
    else:
        message = _("The webhook %(code)s did not take the notice (attempt %(n)s); it will be retried: "
                    "%(error)s", code=env.recipient, n=env.attempts + 1, error=error)
    return _line(env, "webhook_failed", message, final=final)


def _line(env: Envelope, kind: str, message: str, **data) -> dict:
    return {"ticket_id": env.ticket_id, "kind": kind, "message": message, "public": False,
            "data": {"outbox_id": env.outbox_id, **data}}
