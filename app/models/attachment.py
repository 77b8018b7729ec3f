"""Files kept with a ticket (from e-mail, staff or the portal); the bytes live in instance/attachments/."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime

ATTACHMENT_SOURCES = ("email", "staff", "portal")


class Attachment(db.Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    ticket_event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_event.id", ondelete="SET NULL"))
    original_name: Mapped[str] = mapped_column(String(255))  # sanitized; shown, never used as a path
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random
    content_type: Mapped[str] = mapped_column(String(120))  # decided from the bytes, not the sender's claim
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
