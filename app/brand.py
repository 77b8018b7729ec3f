"""The company as its customers' mail shows it: support address, telephone, área de cliente links and the
domain of our Message-IDs, all from the configuration (handlers read them here: they never import Flask).

Links in mail are built from ``PORTAL_BASE_URL`` (the public address); without it from the request's host
when there is one (Flask checked it against TRUSTED_HOSTS), else (the worker) the first trusted host that
is not this machine, over https, else the local development server.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import current_app, has_request_context, request

LOCAL_BASE_URL = "http://127.0.0.1:5000"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
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
    return f"{_base_url().rstrip('/')}/portal/{path.lstrip('/')}"


def _base_url() -> str:
    config = current_app.config
    if config.get("PORTAL_BASE_URL"):
        return config["PORTAL_BASE_URL"]
    if has_request_context():
        return request.host_url
    public = [h for h in config.get("TRUSTED_HOSTS") or () if h not in LOOPBACK]
    return f"https://{public[0]}" if public else LOCAL_BASE_URL


def ticket_url(number: str) -> str:
    """The ticket's page in the área de cliente (after signing in)."""
    return portal_url(f"tickets/{quote(number, safe='')}")
