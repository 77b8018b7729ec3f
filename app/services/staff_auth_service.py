"""Staff sign-in for the web workspace: server-side sessions that expire and end at logout."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app import clock
from app.errors import Unauthorized
from app.extensions import db
from app.i18n import _
from app.models import StaffSession, User
from app.services.transaction import transaction

# Checked when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$dummydummydummy$" + "0" * 128
# Writing last_seen_at on every request would make every page a write: refresh it at most this often.
_TOUCH_EVERY = timedelta(minutes=1)


def sign_in(username: str, password: str) -> tuple[str, User]:
    """Check the credentials and open a session; return its token (the cookie keeps it, we keep its hash)
    and the user.

    The message never tells whether the user exists."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    ok = user.check_password(password or "") if user else check_password_hash(_DUMMY_HASH, password or "")
    if user is None or not ok or not user.active:
        raise Unauthorized(_("Wrong username or password."))
    token = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(StaffSession(token_hash=_hash(token), user_id=user.id))
    return token, user


def session_user(token: str | None) -> User | None:
    """The user of a live session, or None once it ended, expired or its user was deactivated."""
    if not token:
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    now = clock.now()
    if row is None or row.ended_at is not None or not row.user.active or _expired(row, now):
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        with transaction():
            row.last_seen_at = now
    return row.user


def sign_out(token: str | None) -> None:
    if not token:
        return
    with transaction():
        row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
        if row is not None and row.ended_at is None:
            row.ended_at = clock.now()


def _expired(row: StaffSession, now) -> bool:
    config = current_app.config
    return (now - row.last_seen_at > timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"])
            or now - row.created_at > timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
