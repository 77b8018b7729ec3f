"""Staff credentials and API bearer tokens (only their SHA-256 is stored)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app import clock
from app.errors import Unauthorized
from app.extensions import db
from app.i18n import _
from app.models import ApiToken, User
from app.services.transaction import transaction


def issue_token(username: str, password: str) -> tuple[str, ApiToken]:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        raise Unauthorized(_("Wrong username or password."))
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
