"""Delivering the outbox after commit: claim a batch, send it outside any transaction, record each outcome.

Guarantee: at-least-once, with duplicates bounded. A worker claims a batch of due rows under a short lease
(``OUTBOX_LEASE_SECONDS``) and a token of its own (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the
claim runs in a write transaction, which only one connection holds). A drain keeps one SMTP connection
for all its batches and commits each message's outcome as soon as the other side answered (one Core
UPDATE and one INSERT of its timeline line: no ORM object per message), renewing the lease of the rest of
its batch while it works. A worker killed mid-batch therefore leaves at most one message whose
outcome is unknown (accepted by the server, not yet recorded); when the lease runs out another worker sends
that one again with the same Message-ID (CRM posts: the same Idempotency-Key), and the rest of the batch,
never sent, once. Two live workers never send the same row.
"""
from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, insert, or_, select, text, update

from app import clock
from app.extensions import db
from app.models import OutboxMessage, Ticket, TicketEvent
from app.services.transaction import transaction
from handlers import delivery

log = logging.getLogger(__name__)
ERROR_CHARS = 2000


def deliver_due(limit: int | None = None) -> Counter[str]:
    """Deliver due messages a batch at a time until none is left (or ``limit`` were claimed); count the
    outcomes (sent, retry, dead; skipped for a row another worker settled first)."""
    counts: Counter[str] = Counter()
    claimed = 0
    batch_size = current_app.config["OUTBOX_BATCH"]
    with delivery.Sender(current_app.config) as sender:  # one SMTP connection for the whole drain
        while limit is None or claimed < limit:
            batch = claim_batch(batch_size if limit is None else min(batch_size, limit - claimed))
            if not batch:
                break
            claimed += len(batch)
            counts += deliver_batch(batch, sender)
    return counts


def claim_batch(size: int) -> list[delivery.Envelope]:
    """Claim up to ``size`` due (or abandoned) messages for this worker, oldest first."""
    now, token = clock.now(), uuid.uuid4().hex
    outbox = OutboxMessage.__table__
    with transaction():
        ids = list(db.session.scalars(
            select(OutboxMessage.id).where(_claimable(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(size)
            .with_for_update(skip_locked=True)))
        if not ids:
            return []
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(status="sending", locked_until=now + _lease(), claim_token=token)
            .execution_options(synchronize_session=False))
        # Plain rows, not ORM objects: the batch is read once and never written through the session.
        messages = db.session.execute(select(outbox).where(outbox.c.id.in_(ids)).order_by(outbox.c.id)).all()
        ticket_ids = {m.ticket_id for m in messages if m.ticket_id}
        numbers = dict(db.session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(ticket_ids))).all())
        sent_roots = _thread_roots(messages)
        batch, roots = [], {}
        for message in messages:
            env = delivery.envelope(message, numbers.get(message.ticket_id))
            thread = (env.ticket_id, env.recipient)
            if env.channel == "email" and env.ticket_id is not None:
                # An earlier mail of the same batch is the thread's root if none was sent before.
                first = sent_roots.get(thread)
                roots.setdefault(thread, first[1] if first and first[0] < message.id else env.message_id)
                env = replace(env, thread_root=None if roots[thread] == env.message_id else roots[thread])
            batch.append(env)
        return batch


def deliver_batch(batch: list[delivery.Envelope], sender: delivery.Sender) -> Counter[str]:
    """Send a claimed batch through ``sender``, recording each outcome as soon as it is known."""
    counts: Counter[str] = Counter()
    renew_at = clock.now() + _lease() / 2
    for env in batch:
        if clock.now() >= renew_at:
            _renew_lease(env.claim)
            renew_at = clock.now() + _lease() / 2
        counts[_deliver(sender, env) or "skipped"] += 1
    return counts


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: doubling, capped, no jitter."""
    config = current_app.config
    seconds = min(config["OUTBOX_RETRY_SECONDS"] * 2 ** (attempts - 1), config["OUTBOX_RETRY_MAX_SECONDS"])
    return timedelta(seconds=seconds)


def _deliver(sender: delivery.Sender, env: delivery.Envelope) -> str | None:
    try:
        sender.send(env)
    except delivery.Undeliverable as err:
        return _record_failure(env, err, permanent=True)
    except Exception as err:  # whatever went wrong, the row must not stay claimed until its lease ends
        return _record_failure(env, err, permanent=False)
    _record_sent(env)
    return "sent"


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


def _claimable(now: datetime):
    due = and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    abandoned = and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now)
    return or_(due, abandoned)


def _renew_lease(token: str) -> None:
    """Push the lease of this claim's rows still being sent (not those another worker took over)."""
    with transaction():
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.claim_token == token)
            .values(locked_until=clock.now() + _lease()).execution_options(synchronize_session=False))


def _thread_roots(messages) -> dict[tuple[int, str], tuple[int, str | None]]:
    """For each (ticket, recipient) of the batch's e-mail: the id and Message-ID of the first mail sent to
    that recipient about the ticket, so later ones thread under it. Two queries for the whole batch."""
    tickets = {m.ticket_id for m in messages if m.channel == "email" and m.ticket_id is not None}
    if not tickets:
        return {}
    first_ids = db.session.scalars(
        select(func.min(OutboxMessage.id)).where(OutboxMessage.ticket_id.in_(tickets),
                                                 OutboxMessage.channel == "email", OutboxMessage.status == "sent")
        .group_by(OutboxMessage.ticket_id, OutboxMessage.recipient)).all()
    if not first_ids:
        return {}
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.ticket_id, OutboxMessage.recipient,
                                     OutboxMessage.payload).where(OutboxMessage.id.in_(first_ids)))
    return {(r.ticket_id, r.recipient): (r.id, (r.payload or {}).get("message_id")) for r in rows}


def _record_sent(env: delivery.Envelope) -> None:
    values = {"status": "sent", "sent_at": clock.now(), "locked_until": None, "claim_token": None}
    if env.message_id:
        values["payload"] = {**env.payload, "message_id": env.message_id}  # later mails thread on it
    with transaction():
        _without_waiting_for_disk()
        _settle(env, values)  # even if our lease ran out meanwhile: the mail did go
        _add_line(delivery.sent_line(env))


def _record_failure(env: delivery.Envelope, err: Exception, *, permanent: bool) -> str | None:
    attempts = env.attempts + 1
    error = f"{type(err).__name__}: {err}"[:ERROR_CHARS]
    values = {"attempts": attempts, "last_error": error, "locked_until": None, "claim_token": None}
    if permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        outcome, values["status"] = "dead", "dead"
    else:
        outcome, values["status"] = "retry", "pending"
        values["next_attempt_at"] = clock.now() + retry_delay(attempts)
    with transaction():
        # Guarded by our claim: if the lease ran out and another worker took the row, that worker settles it.
        if not _settle(env, values, OutboxMessage.status == "sending", OutboxMessage.claim_token == env.claim):
            return None
        _add_line(delivery.failed_line(env, error, final=outcome == "dead"))
    if outcome == "dead":
        log.error("outbox message %s (%s to %s) is dead after %s attempt(s): %s", env.outbox_id, env.channel,
                  env.recipient, attempts, error)
    else:
        log.warning("outbox message %s failed (attempt %s), retry at %s: %s", env.outbox_id, attempts,
                    values["next_attempt_at"].isoformat(), error)
    return outcome


def _without_waiting_for_disk() -> None:
    """PostgreSQL: commit this outcome without waiting for its WAL to reach the disk (one fsync per mail
    would cap delivery at the disk's flush rate). A crash of the worker loses nothing: the server has
    the commit. Only a crash of the database server itself within ~0.6 s could forget it, and the mail
    would then be sent once more, with the same Message-ID."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _add_line(line: dict | None) -> None:
    """The outcome's line on the ticket's timeline, one Core INSERT."""
    if line is not None:
        db.session.execute(insert(TicketEvent).values(**line))


def _settle(env: delivery.Envelope, values: dict, *conditions) -> bool:
    """Write the outcome of a send. A plain UPDATE, so the transaction writes before it reads."""
    return bool(db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == env.outbox_id, *conditions)
        .values(**values).execution_options(synchronize_session=False)).rowcount)
