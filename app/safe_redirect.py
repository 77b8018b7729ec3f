"""Where to go after signing in: only a path of this site, never an open redirect."""
from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None, fallback: str) -> str:
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return fallback


def back_after_sign_in(request) -> str:
    """Where signing in leads back to: for a form sent without a session, the page it was drawn on (its
    Referer, when it is this site), where what was typed is put back; else the page asked for."""
    if request.method == "POST" and request.referrer:
        parts = urlsplit(request.referrer)
        if parts.netloc == request.host:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")
