"""How mail reaches the intake service: a pipe (stdin), an SMTP intake server (aiosmtpd), IMAP polling.

Transports only move bytes: each hands the raw message to ``deliver(raw, envelope_from)`` (the CLI wires
it to ``mail_intake_service.receive`` inside an app context). They acknowledge a message only after
``deliver`` returned, i.e. after it was stored: SMTP answers 250 then (a failure answers 451 and the
sending server retries), IMAP marks it seen (or moves it) then; a crash in between at worst delivers it
again, which the intake recognises by its Message-ID.
"""
from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Iterable
from typing import BinaryIO

from aiosmtpd.controller import Controller

log = logging.getLogger(__name__)
Deliver = Callable[[bytes, str], object]


class MessageTooLarge(Exception):
    pass


def read_pipe(stream: BinaryIO, max_bytes: int) -> bytes:
    """One RFC 5322 message from a pipe (what a mail server's alias runs)."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise MessageTooLarge(f"the message is larger than {max_bytes} bytes")
    return raw


class SMTPIntakeHandler:
    """aiosmtpd handler: accepts mail for ``recipients`` (any when empty) and stores it before the 250."""

    def __init__(self, deliver: Deliver, recipients: Iterable[str] = ()):
        self.deliver = deliver
        self.recipients = {r.lower() for r in recipients if r}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.recipients and address.lower() not in self.recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            # Database work blocks: run it on a thread, not on the server's event loop.
            await asyncio.get_running_loop().run_in_executor(None, self.deliver, raw, envelope.mail_from or "")
        except Exception:
            log.exception("could not store a mail from %s; the sender will retry", envelope.mail_from)
            return "451 4.3.0 Temporary failure, try again later"
        return "250 2.0.0 Message accepted"


def smtp_controller(handler: SMTPIntakeHandler, host: str, port: int, max_bytes: int) -> Controller:
    """Listen on ``host`` (loopback by default: only our mail server should reach it)."""
    return Controller(handler, hostname=host, port=port, data_size_limit=max_bytes, decode_data=False)


def connect_imap(config: dict, factory=None):
    """An IMAPClient logged in from ``MAIL_IMAP_*`` settings (``factory`` lets tests inject a stub)."""
    if factory is None:
        from imapclient import IMAPClient as factory  # noqa: N813 - imported only where polling is used
    context = ssl.create_default_context() if config["MAIL_IMAP_SSL"] else None
    client = factory(config["MAIL_IMAP_HOST"], port=config["MAIL_IMAP_PORT"], ssl=config["MAIL_IMAP_SSL"],
                     ssl_context=context, timeout=config["MAIL_IMAP_TIMEOUT"])
    client.login(config["MAIL_IMAP_USERNAME"], config["MAIL_IMAP_PASSWORD"])
    return client


def poll_imap(client, folder: str, deliver: Deliver, *, processed_folder: str = "", batch: int = 20,
              max_bytes: int | None = None) -> int:
    """Fetch every unseen message of ``folder``, hand each to ``deliver``, then mark it seen (or move it
    to ``processed_folder``). Returns how many were delivered.

    A message larger than ``max_bytes`` (the limit the pipe and the SMTP intake enforce) is never
    downloaded: it is logged and marked seen, for a person to read in the mailbox."""
    client.select_folder(folder)
    uids = list(client.search(["UNSEEN"]))
    delivered = 0
    for start in range(0, len(uids), batch):
        chunk = uids[start:start + batch]
        if max_bytes is not None:
            sizes = client.fetch(chunk, ["RFC822.SIZE"])
            too_large = [uid for uid in chunk if (sizes.get(uid) or {}).get(b"RFC822.SIZE", 0) > max_bytes]
            for uid in too_large:
                log.error("IMAP message %s is larger than %s bytes: left in the mailbox, marked seen", uid, max_bytes)
            if too_large:
                client.add_flags(too_large, [b"\\Seen"])
            chunk = [uid for uid in chunk if uid not in too_large]
            if not chunk:
                continue
        fetched = client.fetch(chunk, ["BODY.PEEK[]"])  # PEEK: not marked seen before it is stored
        for uid in chunk:
            raw = (fetched.get(uid) or {}).get(b"BODY[]")
            if raw is None:
                continue
            try:
                deliver(raw, "")
            except Exception:
                log.exception("could not store IMAP message %s; it stays unseen for the next poll", uid)
                continue
            if processed_folder:
                client.move([uid], processed_folder)
            else:
                client.add_flags([uid], [b"\\Seen"])
            delivered += 1
    return delivered
