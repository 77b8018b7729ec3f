"""Delivering the outbox after commit: claim a row, send outside any transaction, record the outcome.

A claim is an ``UPDATE … WHERE`` that only one worker can win, so two workers never send the same row
(unless one outlives its lease, i.e. it hung or died mid-send). Each step commits on its own.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app import clock
from app.extensions import db
from app.models import OutboxMessage, Ticket
from app.services.transaction import transaction
from handlers import delivery

log = logging.getLogger(__name__)
ERROR_CHARS = 2000


def deliver_due(limit: int = 100) -> Counter[str]:
    """Deliver up to ``limit`` due messages; count the outcomes (sent, retry, dead, skipped)."""
    counts: Counter[str] = Counter()
    with transaction():
        due = due_ids(limit)
    for message_id in due:
        counts[deliver_one(message_id) or "skipped"] += 1
    return counts


def due_ids(limit: int) -> list[int]:
    return list(db.session.scalars(
        select(OutboxMessage.id).where(_claimable(clock.now()))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def deliver_one(message_id: int) -> str | None:
    """Send one message if it is due and this worker wins its claim; return the outcome or None."""
    env = _claim(message_id)
    if env is None:
        return None
    try:
        delivery.send(env, current_app.config)
    except delivery.Undeliverable as err:
        return _record_failure(env, err, permanent=True)
    except Exception as err:  # whatever went wrong, the row must not stay claimed until its lease ends
        return _record_failure(env, err, permanent=False)
    _record_sent(env)
    return "sent"


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: doubling, capped, no jitter."""
    config = current_app.config
    seconds = min(config["OUTBOX_RETRY_SECONDS"] * 2 ** (attempts - 1), config["OUTBOX_RETRY_MAX_SECONDS"])
    return timedelta(seconds=seconds)


def _claimable(now: datetime):
    due = and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    abandoned = and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now)
    return or_(due, abandoned)


def _claim(message_id: int) -> delivery.Envelope | None:
    now = clock.now()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    with transaction():
        claimed = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, _claimable(now))
            .values(status="sending", locked_until=now + lease)
            .execution_options(synchronize_session=False)).rowcount
        if not claimed:
            return None  # another worker has it, or it is no longer due
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        ticket = db.session.get(Ticket, message.ticket_id) if message.ticket_id else None
        return delivery.envelope(message, ticket, _thread_root(message))


def _thread_root(message: OutboxMessage) -> str | None:
    """The Message-ID of the first mail this recipient got about the ticket, so later ones thread under it."""
    if message.channel != "email" or message.ticket_id is None:
        return None
    first = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.ticket_id == message.ticket_id,
                                    OutboxMessage.channel == "email",
                                    OutboxMessage.recipient == message.recipient,
                                    OutboxMessage.status == "sent", OutboxMessage.id < message.id)
        .order_by(OutboxMessage.id).limit(1))
    return (first.payload or {}).get("message_id") if first else None


def _record_sent(env: delivery.Envelope) -> None:
    values = {"status": "sent", "sent_at": clock.now(), "locked_until": None}
    if env.message_id:
        values["payload"] = {**env.payload, "message_id": env.message_id}  # later mails thread on it
    with transaction():
        _settle(env, values)  # even if our lease ran out meanwhile: the mail did go
        ticket = db.session.get(Ticket, env.ticket_id) if env.ticket_id else None
        delivery.note_sent(env, ticket)


def _record_failure(env: delivery.Envelope, err: Exception, *, permanent: bool) -> str | None:
    attempts = env.attempts + 1
    error = f"{type(err).__name__}: {err}"[:ERROR_CHARS]
    values = {"attempts": attempts, "last_error": error, "locked_until": None}
    if permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        outcome, values["status"] = "dead", "dead"
    else:
        outcome, values["status"] = "retry", "pending"
        values["next_attempt_at"] = clock.now() + retry_delay(attempts)
    with transaction():
        # Guarded by our lease: if it ran out and another worker took the row, that worker settles it.
        if not _settle(env, values, OutboxMessage.status == "sending",
                       OutboxMessage.locked_until == env.locked_until):
            return None
    if outcome == "dead":
        log.error("outbox message %s (%s to %s) is dead after %s attempt(s): %s", env.outbox_id, env.channel,
                  env.recipient, attempts, error)
    else:
        log.warning("outbox message %s failed (attempt %s), retry at %s: %s", env.outbox_id, attempts,
                    values["next_attempt_at"].isoformat(), error)
    return outcome


def _settle(env: delivery.Envelope, values: dict, *conditions) -> bool:
    """Write the outcome of a send. A plain UPDATE, so the transaction writes first: on SQLite a read
    followed by a write could fail at once with "database is locked" instead of waiting its turn."""
    return bool(db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == env.outbox_id, *conditions)
        .values(**values).execution_options(synchronize_session=False)).rowcount)
