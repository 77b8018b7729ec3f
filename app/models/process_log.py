"""The event log of the processes: one row per task an instance completed (user, service, script, rule...).

Case = ticket (and the instance, for conformance against one process version), activity = the element's
name, timestamp = completion, resource = who completed it (nobody: the system). Written with the instance
that moved, read by process mining (``app.services.control.process_mining``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class ProcessStep(db.Model):
    __tablename__ = "process_step"
    __table_args__ = (Index("ix_process_step_version_completed", "process_version_id", "completed_at"),
                      Index("ix_process_step_completed", "completed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id", ondelete="CASCADE"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    element_id: Mapped[str] = mapped_column(String(80))
    activity: Mapped[str] = mapped_column(String(200))
    element_type: Mapped[str] = mapped_column(String(40))
    lane: Mapped[str | None] = mapped_column(String(80))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: done by the system
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a person's task: when it became ready
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(Integer)  # order inside the instance (several share a moment)
