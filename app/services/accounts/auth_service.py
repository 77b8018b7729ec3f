"""Staff credentials and API bearer tokens (only their SHA-256 is stored)."""
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
from app.models import ApiToken, User
from app.services.accounts.browser_session import DUMMY_PASSWORD_HASH
from app.services.control import audit_service
from app.services.transaction import transaction


def verify_credentials(username: str, password: str, channel: str) -> User:
    """The active staff member with these credentials, for the staff sign-in page ("web") or the API ("api").

    Every attempt costs one password-hash check (a dummy hash for an unknown username), so the time of the
    answer does not tell which usernames exist; the message never does either. Success and failure are
    both on the audit trail (committed here: call it outside a transaction, as a refusal rolls that back)."""
    username = (username or "").strip()
    user = db.session.scalar(select(User).where(User.username == username))
    ok = check_password_hash(user.password_hash if user else DUMMY_PASSWORD_HASH, password or "")
    if user is None or not ok or not user.active:
        audit_service.record_now("login_failed", user, username, {"channel": channel}, actor_name=username)
        raise Unauthorized(_("Wrong username or password."))
    audit_service.record_now("login", user, username, {"channel": channel})
    return user


def issue_token(username: str, password: str) -> tuple[str, ApiToken]:
    user = verify_credentials(username, password, "api")
    token = secrets.token_urlsafe(32)
    with transaction():
        row = ApiToken(token_hash=_hash(token), user=user,
                       expires_at=clock.now() + timedelta(hours=current_app.config["API_TOKEN_HOURS"]))
        db.session.add(row)
    return token, row


def user_for_token(token: str) -> User:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None or row.expires_at <= clock.now() or not row.user.active:
        raise Unauthorized(_("Missing, invalid or expired token."))
    return row.user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
