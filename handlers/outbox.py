"""Writing outbox rows: the only way handlers reach the outside world (delivered after commit)."""
from __future__ import annotations

from app.extensions import db
from app.models import OutboxMessage, Ticket, appended

# ``db.session.info[SCOPE]`` lives as long as the outermost transaction (app/services/transaction.py ends
# it): what this request already queued, e.g. the customer mail that further status changes join.
SCOPE = "transaction_scope"


def transaction_scope() -> dict:
    return db.session.info.setdefault(SCOPE, {})


def queue(channel: str, *, ticket: Ticket | None, recipient: str = "", subject: str = "", body: str = "",
          payload: dict | None = None) -> appended.Appended:
    """Append a message (written with the step's other rows: app/models/appended.py); its ``update`` changes it,
    its ``id`` is the row's."""
    message = appended.append(OutboxMessage, kept=True, channel=channel, ticket_id=ticket.id if ticket else None,
                              recipient=recipient, subject=subject, body=body, payload=payload)
    db.session.info["outbox_written"] = True  # the transaction kicks the worker after commit
    return message
