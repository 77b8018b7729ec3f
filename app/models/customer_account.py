"""Customer-portal rows: a customer's login (tied to his customer number) and his server-side sessions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.types import BrowserSessionColumns, UTCDateTime

NOTIFY_CHOICES = ("email", "portal", "both")


class CustomerAccount(db.Model):
    """One portal login per customer. Usable once ``verified_at`` is set (the e-mailed link)."""

    __tablename__ = "customer_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_by: Mapped[str] = mapped_column(String(10), default="both")
    language: Mapped[str | None] = mapped_column(String(5))  # None: the browser's Accept-Language, else es
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    customer = relationship("Customer")


class CustomerSession(BrowserSessionColumns, db.Model):
    __tablename__ = "customer_session"

    account_id: Mapped[int] = mapped_column(ForeignKey("customer_account.id", ondelete="CASCADE"), index=True)
    account = relationship("CustomerAccount")
