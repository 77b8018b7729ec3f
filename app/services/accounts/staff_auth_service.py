"""Staff sign-in for the web workspace: server-side sessions that expire and end at logout."""
from __future__ import annotations

from app.models import User
from app.services.accounts import auth_service, browser_session
from app.services.accounts.browser_session import STAFF


def sign_in(username: str, password: str) -> tuple[str, User]:
    """Check the credentials and open a session; return its token (the cookie keeps it, we keep its hash)
    and the user.

    Neither the message nor the time of the answer tells whether the user exists."""
    user = auth_service.verify_credentials(username, password, "web")
    return browser_session.start(STAFF, user.id), user


def session_user(token: str | None) -> User | None:
    """The user of a live session, or None once it ended, expired or its user was deactivated."""
    row = browser_session.live(STAFF, token)
    return row.user if row is not None and row.user.active else None


def sign_out(token: str | None) -> None:
    browser_session.end(STAFF, token)
