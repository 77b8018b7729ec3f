"""The periodic review of closed tickets: each run proposes recurring problems; a supervisor decides which
are patterns and what to improve, by whom and by when. Runs are kept: they are the history of reviews."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.people import User
from app.models.ticket import Ticket
from app.models.types import UTCDateTime

DECISIONS = ("pending", "pattern", "dismissed")

recurring_problem_ticket = Table(
    "recurring_problem_ticket", db.metadata,
    Column("problem_id", ForeignKey("recurring_problem.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_id", ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ReviewRun(db.Model):
    """One review of the tickets closed in [period_start, period_end] (whole days, both included)."""

    __tablename__ = "review_run"
    __table_args__ = (UniqueConstraint("period_start", "period_end", name="uq_review_run_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    tickets_reviewed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the scheduled job

    created_by: Mapped[User | None] = relationship()
    problems: Mapped[list[RecurringProblem]] = relationship(
        back_populates="run", order_by="RecurringProblem.id", cascade="all, delete-orphan")


class RecurringProblem(db.Model):
    """A group of similar closed tickets the clustering proposed, and the supervisor's decision on it."""

    __tablename__ = "recurring_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("review_run.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    equipment: Mapped[str] = mapped_column(String(160), default="")  # the most frequent equipment, if shared
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)  # the words that characterise the group
    similarity: Mapped[float] = mapped_column(Float, default=0.0)  # mean cosine similarity to the group's centre
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    improvement_action: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    run: Mapped[ReviewRun] = relationship(back_populates="problems")
    tickets: Mapped[list[Ticket]] = relationship(secondary=recurring_problem_ticket, order_by=Ticket.closed_at)
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
