"""One mechanism for the three faces: a staff or portal form carries a one-time token, an API POST an
``Idempotency-Key`` header. The key is consumed by inserting a ``Submission`` row in the same transaction as
the work it guards, so:

- a double click: the second request's insert waits for the first transaction (SQLite: ``BEGIN IMMEDIATE``;
  PostgreSQL: the primary key's lock), then fails, and the second request answers what the first did;
- Back + resubmit: the key is found, the recorded answer is replayed (the same redirect, the same JSON);
- the work failed (bad input): nothing was recorded, the same key may be submitted again, corrected;
- the same key with other content: refused (``Conflict``), never silently answered with the first result.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Submission
from app.services.transaction import transaction

MAX_TOKEN_LENGTH = 120


@dataclass
class Outcome:
    """What the request answered: a redirect ``location`` (forms) or ``status`` + ``body`` (API)."""

    status: int = 303
    location: str = ""
    body: dict | None = None
    replayed: bool = field(default=False, compare=False)


def new_token() -> str:
    """A one-time token for a form being drawn (unguessable; unused tokens cost nothing)."""
    return secrets.token_urlsafe(24)


def fingerprint(fields: dict | bytes) -> str:
    """SHA-256 of what was submitted (a form's fields, sorted; or an API body's bytes)."""
    raw = fields if isinstance(fields, bytes) else json.dumps(fields, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def form_fingerprint(form) -> str:
    """A posted form's fields (a ``MultiDict``) without its tokens, so a resubmission compares equal."""
    return fingerprint({name: form.getlist(name) for name in form if name not in ("csrf_token", "form_token")})


def once_form(face: str, actor: str, form, work: Callable[[], Outcome]) -> Outcome:
    """``once`` for a posted form carrying its one-time ``form_token``."""
    return once(face, actor, form.get("form_token", ""), form_fingerprint(form), work)


def once(face: str, actor: str, token: str, digest: str, work: Callable[[], Outcome]) -> Outcome:
    """Run ``work`` unless ``token`` was already used by ``actor`` on ``face``; then replay its answer.

    ``work`` calls one use case (which joins this transaction) and says what to answer.
    """
    token = (token or "").strip()
    if not token:  # a client that sends no key (an old page, a script) gets no protection, as before
        return work()
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValidationFailed(_("The submission key is missing or too long (at most %(n)d characters).",
                                 n=MAX_TOKEN_LENGTH), errors={"idempotency_key": [_("Not valid.")]})
    key = f"{face}:{actor}:{token}"
    with transaction() as session:
        try:
            with session.begin_nested():
                session.add(Submission(key=key, fingerprint=digest, created_at=clock.now()))
        except IntegrityError:
            return _replay(key, digest)
        outcome = work()
        row = session.get(Submission, key)
        row.status, row.location, row.body = outcome.status, outcome.location, outcome.body
    return outcome


def _replay(key: str, digest: str) -> Outcome:
    db.session.expire_all()  # read the row the first submission committed, not a stale identity
    row = db.session.scalar(select(Submission).where(Submission.key == key))
    if row is None:  # its transaction rolled back between our insert and this read: let the client retry
        raise Conflict(_("This form is being sent right now. Wait a moment and reload the page."))
    if row.fingerprint != digest:
        raise Conflict(_("This submission key was already used for a different request. Use a new key."))
    return Outcome(status=row.status, location=row.location, body=row.body, replayed=True)

