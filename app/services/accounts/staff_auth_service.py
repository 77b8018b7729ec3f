"""Staff sign-in for the web workspace: server-side sessions that expire and end at logout."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.errors import Unauthorized
from app.extensions import db
from app.i18n import _
from app.models import User
from app.services.accounts import browser_session
from app.services.accounts.browser_session import DUMMY_PASSWORD_HASH, STAFF


def sign_in(username: str, password: str) -> tuple[str, User]:
    """Check the credentials and open a session; return its token (the cookie keeps it, we keep its hash)
    and the user.

    The message never tells whether the user exists."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    ok = user.check_password(password or "") if user else check_password_hash(DUMMY_PASSWORD_HASH, password or "")
    if user is None or not ok or not user.active:
        raise Unauthorized(_("Wrong username or password."))
    return browser_session.start(STAFF, user.id), user


def session_user(token: str | None) -> User | None:
    """The user of a live session, or None once it ended, expired or its user was deactivated."""
    row = browser_session.live(STAFF, token)
    return row.user if row is not None and row.user.active else None


def sign_out(token: str | None) -> None:
    browser_session.end(STAFF, token)
