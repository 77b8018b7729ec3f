"""The company as its customers' mail shows it: support address, telephone, área de cliente links and the
domain of our Message-IDs, all from the configuration (handlers read them here: they never import Flask).

Links in mail are built from ``PORTAL_BASE_URL`` (the public address); without it (development, tests) from
the request's host when there is one (Flask checked it against TRUSTED_HOSTS), else the local server.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import current_app, has_request_context, request

LOCAL_BASE_URL = "http://127.0.0.1:5000"
LEGACY_MESSAGE_ID_DOMAIN = "atiende.local"  # mail sent before the domain was configurable still threads


def support_email() -> str:
    return current_app.config["SUPPORT_EMAIL"]


def support_phone() -> str:
    return current_app.config["SUPPORT_PHONE"]


def message_id_domain() -> str:
    return current_app.config["MAIL_MESSAGE_ID_DOMAIN"] or support_email().rpartition("@")[2]


def our_message_id_domains() -> set[str]:
    """Domains of Message-IDs we wrote (the configured one and the one used before it was configurable)."""
    return {message_id_domain().lower(), LEGACY_MESSAGE_ID_DOMAIN}


def portal_url(path: str = "") -> str:
    """The área de cliente (``/portal/``), or one of its pages."""
    base = current_app.config.get("PORTAL_BASE_URL") or (request.host_url if has_request_context() else "") \
        or LOCAL_BASE_URL
    return f"{base.rstrip('/')}/portal/{path.lstrip('/')}"


def ticket_url(number: str) -> str:
    """The ticket's page in the área de cliente (after signing in)."""
    return portal_url(f"tickets/{quote(number, safe='')}")
