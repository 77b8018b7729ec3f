"""Inbound e-mail: every message is stored raw first, then processed (``app.services.mail.mail_intake_service``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime

# held: over its sender's limit of new tickets, with no open ticket to join (staff decide)
INBOUND_STATUSES = ("received", "processed", "ignored", "failed", "held")


class InboundMessage(db.Model):
    """One message as it arrived. ``(mailbox, message_key)`` is unique: a second delivery of the same
    Message-ID (or, without one, of the same From+Date+Subject+body) is recognised and dropped."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("mailbox", "message_key"),
        Index("ix_inbound_message_pending", "status", "received_at"),
        Index("ix_inbound_message_key", "message_key"),  # threading: replies name earlier Message-IDs
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(120))
    message_key: Mapped[str] = mapped_column(String(64))  # sha256 of the Message-ID (or of the fallback)
    message_id: Mapped[str | None] = mapped_column(Text)  # as sent, without <>
    transport: Mapped[str] = mapped_column(String(20))  # pipe|smtp|imap
    envelope_from: Mapped[str] = mapped_column(String(254), default="")
    sender: Mapped[str] = mapped_column(String(254), default="")  # From address, lower case
    subject: Mapped[str] = mapped_column(String(300), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    status: Mapped[str] = mapped_column(String(20), default="received")
    outcome: Mapped[str | None] = mapped_column(String(40))  # created|comment|delivered|bounce|auto_reply|...
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AutoReplyLog(db.Model):
    """Every automatic answer intake caused (or held back): at most MAIL_AUTO_REPLIES_PER_DAY per sender."""

    __tablename__ = "auto_reply_log"
    __table_args__ = (Index("ix_auto_reply_log_sender", "address", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id", ondelete="SET NULL"))
    suppressed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ProvisionalCustomer(db.Model):
    """A customer record made for an unknown e-mail sender: an agent links it to the real customer."""

    __tablename__ = "provisional_customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    first_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
