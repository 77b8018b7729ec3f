"""Deployed process versions and the workflow instances that run on them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime


class ProcessVersion(db.Model):
    """One deployed version of a process: its sources' hash and its serialized spec, stored once."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(160), default="")
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(255))
    # The files it was built from ({name: XML}) and its serialized spec: loaded only when needed.
    sources: Mapped[dict] = deferred(mapped_column(JSON))
    spec_json: Mapped[str] = deferred(mapped_column(Text))
    start_message: Mapped[str | None] = mapped_column(String(80), index=True)
    # The task forms this version uses ({file name: JSON Schema}): a running ticket keeps the form of its
    # version. Versions deployed before forms were versioned have none and read forms/.
    forms: Mapped[dict | None] = deferred(mapped_column(JSON))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Publishing is a recorded act: who (none: the command line) and why.
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    deployed_by = relationship("User")


class WorkflowInstance(db.Model):
    """One running (or finished) instance; its state excludes the spec (see ``ProcessVersion``)."""

    __tablename__ = "workflow_instance"
    __table_args__ = (Index("ix_workflow_instance_timer", "status", "next_timer_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_instance.id"))
    status: Mapped[str] = mapped_column(String(20), default="running")  # running|error|completed
    state: Mapped[str | None] = deferred(mapped_column(Text))  # dropped once completed
    trace: Mapped[list | None] = mapped_column(JSON)  # element ids completed, kept after completion
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    next_timer_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waiting_message: Mapped[str | None] = mapped_column(String(80))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_task: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    process_version: Mapped[ProcessVersion] = relationship()
    ticket = relationship("Ticket")

    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(db.Model):
    """Index of READY user tasks: task lists and dashboards read this, never the workflow state."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_open_lane", "status", "lane", "due_at"),
        Index("ix_human_task_open_team", "status", "candidate_team", "due_at"),
        Index("ix_human_task_open_assignee", "status", "assignee_id", "due_at"),
        Index("ix_human_task_ticket_open", "ticket_id", "status", "created_at"),  # a ticket's open tasks
        # the task list's keyset pages: "due" (due_at, created_at, id) and "newest" (created_at, id)
        Index("ix_human_task_ready_due", "status", "due_at", "created_at", "id"),
        Index("ix_human_task_ready_newest", "status", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the Spiff task UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))  # ix_human_task_ticket_open
    process_id: Mapped[str] = mapped_column(String(80))
    task_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(80))
    candidate_team: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Four eyes: who may not work it (the task property ``excludedUser``, e.g. the case's creator).
    excluded_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    form: Mapped[str | None] = mapped_column(String(120))
    instructions: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str | None] = mapped_column(String(10))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="ready")  # ready|completed|cancelled
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # taken by its holder: his work started
    on_behalf_of: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    data: Mapped[dict | None] = mapped_column(JSON)  # submitted form data, kept for the ticket page

    assignee = relationship("User", foreign_keys=[assignee_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])
    ticket = relationship("Ticket")
