"""Claims (reclamaciones): a ``ticket`` row of kind "claim", its header and its lines with their checked
versions (immutable snapshots of a line as it was sent for approval)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.i18n import _l
from app.models.billing import Money
from app.models.people import User
from app.models.ticket import Ticket
from app.models.types import UTCDateTime

CLAIM_ORIGINS = {
    "manual": _l("typed in by hand"),
    "document": _l("copied from the document"),
    "call": _l("from a call"),
    "portal": _l("filed by the customer in the customer area"),
}

LINE_STATUSES = {
    "draft": _l("Draft"),
    "pending": _l("Approval pending"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected (final)"),
    "cancelled": _l("Cancelled"),
}

# What a version records of its line; none of it ever changes once the version exists.
VERSION_CONTENT = ("number", "line_id", "concept", "quantity", "amount", "reason_code", "notes",
                   "document_line_ref", "submitted_by_id", "submitted_at")


class ClaimReason(db.Model):
    """Reason codes of claims and their lines (rows: an admin may add or retire them)."""

    __tablename__ = "claim_reason"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    about_service: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Claim(db.Model):
    """The header of a claim; its ticket holds customer, channel, number, status and timeline."""

    __tablename__ = "claim"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    document_type: Mapped[str | None] = mapped_column(String(30))
    document_number: Mapped[str | None] = mapped_column(String(40), index=True)
    reason_code: Mapped[str] = mapped_column(ForeignKey("claim_reason.code"))
    notes: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20))
    change_order_id: Mapped[int | None] = mapped_column(ForeignKey("service_change_order.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()
    reason: Mapped[ClaimReason] = relationship()
    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", order_by="ClaimLine.position", cascade="all, delete-orphan")

    def settled(self) -> bool:
        """Every line decided or cancelled, with no change waiting to be sent."""
        return all(line.status in ("approved", "rejected", "cancelled") and not line.edited for line in self.lines)


class ClaimLine(db.Model):
    """The working copy of a line. ``status`` is where its latest version stands; the effective version is
    the last approved one (an approved line being edited stays effective as approved until the new version
    is decided)."""

    __tablename__ = "claim_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.ticket_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    document_line_ref: Mapped[str | None] = mapped_column(String(40), index=True)
    document_line_amount: Mapped[Decimal | None] = mapped_column(Money)
    concept: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Money, default=Decimal("1"))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason_code: Mapped[str] = mapped_column(ForeignKey("claim_reason.code"))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)  # working copy differs from the effective one
    effective_version_id: Mapped[int | None] = mapped_column(Integer)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship(back_populates="lines")
    reason: Mapped[ClaimReason] = relationship()
    versions: Mapped[list[ClaimLineVersion]] = relationship(
        back_populates="line", order_by="ClaimLineVersion.number", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": row_version}  # two racing edits: one gets StaleDataError

    @property
    def status_label(self) -> str:
        return str(LINE_STATUSES[self.status])

    @property
    def effective_version(self) -> ClaimLineVersion | None:
        return next((v for v in self.versions if v.id == self.effective_version_id), None)

    @property
    def latest_version(self) -> ClaimLineVersion | None:
        return self.versions[-1] if self.versions else None

    def restore_effective(self) -> None:
        """Drop a change that was not approved: the line is its effective (approved) version again."""
        effective = self.effective_version
        self.status, self.edited = "approved", False
        self.concept, self.quantity, self.amount = effective.concept, effective.quantity, effective.amount
        self.reason_code, self.notes = effective.reason_code, effective.notes


class ClaimLineVersion(db.Model):
    """A checked version: the line exactly as it was sent for approval, and the decision taken on it."""

    __tablename__ = "claim_line_version"
    __table_args__ = (UniqueConstraint("line_id", "number", name="uq_claim_line_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("claim_line.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    concept: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    reason_code: Mapped[str] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    document_line_ref: Mapped[str | None] = mapped_column(String(40))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decision: Mapped[str] = mapped_column(String(20), default="pending")  # pending|approved|rejected|cancelled
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    approvals: Mapped[list | None] = mapped_column(JSON)  # [{"level", "by", "at", "decision", "reason"}]
    effect: Mapped[dict | None] = mapped_column(JSON)  # what the approval caused (credit note, service order)
    instance_id: Mapped[int | None] = mapped_column(Integer)  # its approval process instance

    line: Mapped[ClaimLine] = relationship(back_populates="versions")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def content(self) -> dict:
        """What is compared between versions."""
        return {"concept": self.concept, "quantity": str(self.quantity), "amount": str(self.amount),
                "reason_code": self.reason_code, "notes": self.notes, "document_line_ref": self.document_line_ref}


@event.listens_for(ClaimLineVersion, "before_update")
def _versions_are_immutable(_mapper, connection, target: ClaimLineVersion) -> None:
    state = db.inspect(target)
    changed = [name for name in VERSION_CONTENT if state.attrs[name].history.has_changes()]
    if changed:
        raise ValueError(f"a checked claim line version never changes ({', '.join(changed)})")
