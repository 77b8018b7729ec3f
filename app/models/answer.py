"""A ticket's public answer from the responsible area (every kind of case)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.people import User
from app.models.types import UTCDateTime

# Where an answer comes from: a staff reply marked as the answer, the resolution, the rejection (with its
# reason), or the answer task of a follow-up's diagram.
ANSWER_SOURCES = ("staff_reply", "resolution", "rejection", "followup_answer")


class TicketAnswer(db.Model):
    """What the responsible area answered, when and who: the customer may read it, the agent reads it out.

    A ticket may be answered more than once (a rejection later reversed, a reply then the resolution): the
    newest row is its answer."""

    __tablename__ = "ticket_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The timeline line it came from (a staff reply), so one reply is marked once.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_event.id", ondelete="SET NULL"), unique=True)

    answered_by: Mapped[User | None] = relationship()
