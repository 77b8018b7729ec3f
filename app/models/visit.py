"""An on-site visit of a ticket: the field team that goes, the slot booked (a day and a time window) and
what happened to it (rescheduled, reminded, done).

A slot's seats are the team's capacity for that window (``processes/visits/agendas.json``) minus the
scheduled visits on it, so a visit moved to another slot frees its old seat by changing its own row."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.ticket import Ticket
from app.models.types import UTCDateTime

# unscheduled: the team is known, nobody chose the slot yet; scheduled: a slot is booked; done: the
# technician recorded the visit; cancelled: the round ended without it.
VISIT_STATUSES = ("unscheduled", "scheduled", "done", "cancelled")


class Visit(db.Model):
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_slot", "team_code", "day", "window", "status"),
                      Index("ix_visit_reminder", "status", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    team_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="unscheduled")
    day: Mapped[date | None] = mapped_column(Date)
    window: Mapped[str | None] = mapped_column(String(11))  # "09:00-13:00", local time of the team's calendar
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_by: Mapped[str | None] = mapped_column(String(80))  # a username, or "cliente" from the portal
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last booking or reschedule
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    ticket: Mapped[Ticket] = relationship()
