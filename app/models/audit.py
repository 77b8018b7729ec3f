"""The audit trail: who did what to whom, and when (claims, reassignments, retries, deploys, admin changes,
staff logins). Rows are only ever added (``app/services/control/audit_service.py``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    # The staff member, kept by name too: the row outlives him, and a failed login names no existing user.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)  # audit_service.ACTIONS
    target: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Q-2026-000001", "agente", "campo"
    changes: Mapped[dict | None] = mapped_column(JSON)  # {field: [before, after]} or {detail: value}
    remote_addr: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User")
