"""Webhook endpoints (admins only): where a ``notify`` task with channel ``webhook`` POSTs its notice, and the
secret it signs with (handlers/webhooks.py). A switched-off endpoint receives nothing, not even notices
already queued."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from app import clock
from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import User, WebhookEndpoint
from app.services.control import audit_service
from app.services.transaction import transaction

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MIN_SECRET = 16


@dataclass(frozen=True)
class EndpointForm:
    url: str
    secret: str  # empty on an edit: keep the one it has
    active: bool
    code: str = ""


def require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator manages the webhook endpoints."))


def endpoint_list(actor: User) -> list[WebhookEndpoint]:
    require_admin(actor)
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.code)))


def create_endpoint(form: EndpointForm, actor: User) -> WebhookEndpoint:
    require_admin(actor)
    code = form.code.strip()
    errors = _problems(form, new=True)
    if not CODE.match(code):
        errors["code"] = [_("Lowercase letters, digits and _, starting with a letter (at most 40).")]
    elif WebhookEndpoint.of(code) is not None:
        errors["code"] = [_("There is already an endpoint with the code %(code)s.", code=code)]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        row = WebhookEndpoint(code=code, url=form.url.strip(), secret=form.secret.strip(), active=form.active)
        db.session.add(row)
        audit_service.record("webhook_saved", actor, code, {"url": row.url, "active": row.active})
    return row


def update_endpoint(code: str, form: EndpointForm, actor: User) -> WebhookEndpoint:
    require_admin(actor)
    row = WebhookEndpoint.of(code)
    if row is None:
        raise NotFound(_("There is no webhook endpoint %(code)s.", code=code))
    errors = _problems(form, new=False)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        changes = {"url": [row.url, form.url.strip()], "active": [row.active, form.active]}
        row.url, row.active, row.updated_at = form.url.strip(), form.active, clock.now()
        if form.secret.strip():
            row.secret = form.secret.strip()
            changes["secret"] = ["…", "…"]  # that it changed, never the secret itself
        audit_service.record("webhook_saved", actor, code, changes)
    return row


def _problems(form: EndpointForm, *, new: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    url = form.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        errors["url"] = [_("An http:// or https:// address of at most 500 characters.")]
    secret = form.secret.strip()
    if (new or secret) and not MIN_SECRET <= len(secret) <= 200:
        errors["secret"] = [_("Between %(least)s and %(most)s characters.", least=MIN_SECRET, most=200)]
    return errors
