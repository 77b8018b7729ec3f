"""Links between tickets of any kind: duplicate of, related to, caused by (and the kinds' own types)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.ticket import Ticket
from app.models.types import UTCDateTime


class TicketLink(db.Model):
    """``ticket`` --link_type--> ``target``, read on both tickets (the target sees the inverse label)."""

    __tablename__ = "ticket_link"
    __table_args__ = (UniqueConstraint("ticket_id", "target_id", "link_type"),
                      CheckConstraint("ticket_id <> target_id", name="not_to_itself"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    link_type: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    ticket: Mapped[Ticket] = relationship(foreign_keys=[ticket_id])
    target: Mapped[Ticket] = relationship(foreign_keys=[target_id])
