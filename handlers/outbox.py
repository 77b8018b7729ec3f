"""Writing outbox rows: the only way handlers reach the outside world (delivered after commit)."""
from __future__ import annotations

from app.extensions import db
from app.models import OutboxMessage, Ticket


def queue(channel: str, *, ticket: Ticket | None, recipient: str = "", subject: str = "", body: str = "",
          payload: dict | None = None) -> OutboxMessage:
    message = OutboxMessage(channel=channel, ticket_id=ticket.id if ticket else None, recipient=recipient,
                            subject=subject, body=body, payload=payload)
    db.session.add(message)
    db.session.info["outbox_written"] = True  # the transaction kicks the worker after commit
    return message
