"""Staff credentials and API bearer tokens (only their SHA-256 is stored)."""
from __future__ import annotations

import copy
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, make_transient_to_detached
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


@dataclass(frozen=True)
class _KnownToken:
    """A valid token as this process last read it: its user's columns (no relationships) and its expiry."""

    user_id: int
    user_columns: dict
    team_codes: tuple[str, ...]
    expires_at: datetime
    read_until: float  # time.monotonic() after which the row is read again


# Token hash -> what it was last read as. A request with a known token reads nothing for its user; a token
# revoked or a user changed in this process is forgotten at its commit (``forget_tokens``), and in another
# process within API_TOKEN_CACHE_SECONDS.
_known: dict[str, _KnownToken] = {}


def user_for_token(token: str) -> User:
    digest = _hash(token)
    known = _known.get(digest)
    if known is None or known.read_until <= time.monotonic():
        known = _read_token(digest)
    if known.expires_at <= clock.now():
        _known.pop(digest, None)
        raise Unauthorized(_("Missing, invalid or expired token."))
    return _attached(known)


def forget_tokens() -> None:
    """Read every token afresh: called after a commit that revoked tokens or changed a user."""
    _known.clear()


def _read_token(digest: str) -> _KnownToken:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest)
                         .options(joinedload(ApiToken.user).selectinload(User.teams)))
    if row is None or not row.user.active:
        _known.pop(digest, None)
        raise Unauthorized(_("Missing, invalid or expired token."))
    seconds = current_app.config["API_TOKEN_CACHE_SECONDS"]
    known = _KnownToken(user_id=row.user_id, team_codes=tuple(row.user.team_codes), expires_at=row.expires_at,
                        read_until=time.monotonic() + seconds,
                        user_columns={c.key: getattr(row.user, c.key) for c in inspect(User).column_attrs})
    if seconds > 0:
        _known[digest] = known
    return known


def _attached(known: _KnownToken) -> User:
    """The token's user in this request's session, built from the known columns without a query (the one
    already in the session if it is there) with his known team codes; relationships load on first use."""
    present = db.session.identity_map.get(db.session.identity_key(User, known.user_id))
    if present is not None:
        return present
    user = User(**_copied(known.user_columns))
    make_transient_to_detached(user)
    user.keep_team_codes(known.team_codes)
    db.session.add(user)
    return user


def _copied(columns: dict) -> dict:
    """The known columns for one request: its own copy of the mutable ones (the request may change roles in
    place); the rest (strings, numbers, moments) are immutable and shared. A deep copy of the whole dict cost
    about a tenth of a ticket read's CPU."""
    return {key: copy.deepcopy(value) if isinstance(value, list | dict) else value for key, value in columns.items()}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
