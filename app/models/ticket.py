"""Tickets ("cases" of every kind: complaints, incidents, claims, follow-ups) and their timeline.

What a kind is (prefix, diagram, statuses) and the category taxonomy are rows: ``app.models.case``."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Row, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.case import CaseKind, CaseStatus
from app.models.people import Customer, Team, User
from app.models.types import UTCDateTime

# The fields of ``Ticket.snapshot()``: what every expression may read as ``ticket[...]``.
SNAPSHOT_FIELDS = ("number", "kind", "channel", "status", "priority", "reported_priority", "category",
                   "description", "customer_number", "customer_name", "service_address", "team", "assignee",
                   "response_due_at", "sla_due_at", "sla_warning_at", "estimated_resolution_at", "round")


class Ticket(db.Model):
    __tablename__ = "ticket"
    __table_args__ = (Index("ix_ticket_customer_status", "customer_id", "status"),
                      Index("ix_ticket_assignee_status", "assignee_id", "status"),  # a technician's load
                      Index("ix_ticket_reported_at", "reported_at"))  # the control figures of a period

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="complaint")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    service_address: Mapped[str] = mapped_column(Text, default="")
    equipment_brand: Mapped[str] = mapped_column(String(80), default="")
    equipment_model: Mapped[str] = mapped_column(String(80), default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reported_priority: Mapped[str | None] = mapped_column(String(10))
    priority: Mapped[str | None] = mapped_column(String(10), index=True)
    category: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30), default="received", index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # ix_ticket_assignee_status
    # SLA (app/businesstime): first response and resolution targets, in business time of ``sla_calendar``.
    sla_calendar: Mapped[str | None] = mapped_column(String(40))
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # resolution deadline
    sla_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set while the clock is stopped
    # business time spent paused so far, in seconds
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    estimated_resolution_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Business time (of ``sla_calendar``, pauses excluded) from the report to the first response and to the
    # resolution, fixed when each happens so the control figures aggregate them in SQL.
    response_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_seconds: Mapped[int | None] = mapped_column(Integer)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)
    # {"versions": {process id: process_version.id}, "as_of": moment}: the versions this ticket runs in every
    # round (app.workflow.runtime.version_for)
    process_pins: Mapped[dict | None] = mapped_column(JSON)
    # Opened by a process analyst to try a version of its process (the processes page), not a customer's case.
    is_test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    report: Mapped[dict | None] = mapped_column(JSON)
    survey_score: Mapped[int | None] = mapped_column(Integer)
    survey_comment: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    customer: Mapped[Customer] = relationship()
    team: Mapped[Team | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan")
    # Read from the task index (never from a workflow).
    open_tasks = relationship(
        "HumanTask", primaryjoin="and_(Ticket.id == foreign(HumanTask.ticket_id), HumanTask.status == 'ready')",
        order_by="HumanTask.created_at", viewonly=True)

    @property
    def kind_info(self) -> Row | None:
        return CaseKind.info(self.kind)

    @property
    def status_info(self) -> Row | None:
        """The row of the ticket's current status in its kind (None for a status the kind lacks)."""
        return CaseStatus.info(self.kind, self.status)

    @property
    def status_label(self) -> str:
        """What staff read."""
        info = self.status_info
        return info.label if info else self.status

    @property
    def customer_status_label(self) -> str:
        """What the customer reads."""
        info = self.status_info
        return info.customer_label if info else self.status

    def snapshot(self) -> dict:
        """What a workflow instance starts with as ``ticket`` (JSON-serializable; its keys are
        ``SNAPSHOT_FIELDS``, which the deploy's data-flow check holds expressions to)."""
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "number": self.number,
            "kind": self.kind,
            "channel": self.channel,
            "status": self.status,
            "priority": self.priority,
            "reported_priority": self.reported_priority,
            "category": self.category,
            "description": self.description,
            "customer_number": self.customer.number,
            "customer_name": self.customer.name,
            "service_address": self.service_address or self.customer.address or "",
            "team": self.team.code if self.team else None,
            "assignee": self.assignee.username if self.assignee else None,
            "response_due_at": iso(self.response_due_at),
            "sla_due_at": iso(self.sla_due_at),
            "sla_warning_at": iso(self.sla_warning_at),
            "estimated_resolution_at": iso(self.estimated_resolution_at),
            "round": self.round,
        }


class TicketEvent(db.Model):
    """One line of a ticket's timeline. ``public`` lines are shown to the customer."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    on_behalf_of: Mapped[str | None] = mapped_column(String(160))
    data: Mapped[dict | None] = mapped_column(JSON)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
