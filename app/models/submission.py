"""A state-changing submission seen once: a form's one-time token or an API ``Idempotency-Key``."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime


class Submission(db.Model):
    """Inserted in the same transaction as the work it guards: the primary key makes a second, concurrent
    submission of the same key wait for the first and then fail its insert, so it replays the answer
    recorded here instead of doing the work again. A submission whose work failed leaves no row."""

    __tablename__ = "submission"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "<face>:<actor>:<token>"
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of what was submitted
    status: Mapped[int] = mapped_column(Integer, default=0)
    location: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
