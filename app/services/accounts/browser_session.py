"""Sign-in sessions kept on the server, for staff and customers alike.

The cookie holds a random token and the row only its SHA-256, so logging out, expiring or an admin's
action ends the session on the server, not only in that browser.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.models import CustomerSession, StaffSession
from app.services.transaction import transaction

# Checked when the account does not exist, so a wrong name costs as long as a wrong password.
DUMMY_PASSWORD_HASH = "scrypt:32768:8:1$dummydummydummy$" + "0" * 128
# Writing last_seen_at on every request would make every page a write: refresh it at most this often.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Kind:
    model: type
    owner_column: str
    owner: str  # the relationship every request reads next (the user, the account)
    idle_minutes_key: str
    max_hours_key: str

    def owner_id(self):
        return getattr(self.model, self.owner_column)


STAFF = Kind(StaffSession, "user_id", "user", "STAFF_SESSION_IDLE_MINUTES", "STAFF_SESSION_MAX_HOURS")
CUSTOMER = Kind(CustomerSession, "account_id", "account", "PORTAL_SESSION_IDLE_MINUTES", "PORTAL_SESSION_MAX_HOURS")


def start(kind: Kind, owner_id: int) -> str:
    """Open a session and return its token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(kind.model(token_hash=_hash(token), **{kind.owner_column: owner_id}))
    return token


def live(kind: Kind, token: str | None):
    """The session row of ``token`` if it has not ended or expired, with its owner (one statement on every
    request); its last use is refreshed."""
    if not token:
        return None
    row = db.session.scalar(select(kind.model).where(kind.model.token_hash == _hash(token))
                            .options(joinedload(getattr(kind.model, kind.owner))))
    now = clock.now()
    if row is None or row.ended_at is not None or _expired(kind, row, now):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with transaction():
            row.last_seen_at = now
    return row


def end(kind: Kind, token: str | None) -> None:
    if not token:
        return
    with transaction():
        db.session.execute(update(kind.model).where(kind.model.token_hash == _hash(token),
                                                    kind.model.ended_at.is_(None)).values(ended_at=clock.now()))


def end_all(kind: Kind, owner_id: int) -> None:
    """End every open session of one user or account, in the caller's transaction."""
    db.session.execute(update(kind.model).where(kind.owner_id() == owner_id, kind.model.ended_at.is_(None))
                       .values(ended_at=clock.now()))


def _expired(kind: Kind, row, now) -> bool:
    config = current_app.config
    return (now - row.last_seen_at > timedelta(minutes=config[kind.idle_minutes_key])
            or now - row.created_at > timedelta(hours=config[kind.max_hours_key]))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
