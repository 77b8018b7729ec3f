"""A staff member's saved search of the ticket history: a name and the filters it applies."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime


class SavedTicketFilter(db.Model):
    __tablename__ = "saved_ticket_filter"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_ticket_filter_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    filters: Mapped[dict] = mapped_column(JSON)  # the history page's query-string arguments
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
