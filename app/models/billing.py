"""Billing documents a claim is based on (kept here by the built-in billing adapter), billing requests
(credit notes, adjustments) and service change orders."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.i18n import _l
from app.models.people import Customer
from app.models.types import UTCDateTime

Money = Numeric(12, 2)

DOCUMENT_TYPES = {
    "invoice": _l("Invoice"),
    "service_order": _l("Service order"),
    "maintenance_sales_order": _l("Maintenance sales order"),
    "sales_order": _l("Sales order"),
    "sales_schedule": _l("Sales schedule"),
}


class BillingDocument(db.Model):
    """An invoice or order of one customer, as the built-in billing adapter keeps it."""

    __tablename__ = "billing_document"
    __table_args__ = (UniqueConstraint("doc_type", "number", name="uq_billing_document_type_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(40), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="issued")
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    notes: Mapped[str] = mapped_column(Text, default="")
    # A service order opened by a change order or by an approved claim line.
    source: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    customer: Mapped[Customer] = relationship()
    lines: Mapped[list[BillingDocumentLine]] = relationship(
        back_populates="document", order_by="BillingDocumentLine.position", cascade="all, delete-orphan")

    @classmethod
    def new_service_order(cls, customer_id: int, concept: str, source: dict, notes: str = "") -> BillingDocument:
        """A service order of ours (from a change order or an approved claim line), numbered by its id."""
        order = cls(doc_type="service_order", number=f"tmp-{uuid4().hex[:20]}", customer_id=customer_id,
                    issued_on=clock.office_today(), total=Decimal(0), source=source, notes=notes)
        order.lines.append(BillingDocumentLine(position=1, concept=concept[:200], quantity=Decimal(1),
                                               unit_price=Decimal(0), amount=Decimal(0)))
        db.session.add(order)
        db.session.flush()
        order.number = f"OS-{order.issued_on:%Y}-{order.id:06d}"
        return order


class BillingDocumentLine(db.Model):
    __tablename__ = "billing_document_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("billing_document.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    concept: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Money, default=Decimal("1"))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    period: Mapped[str] = mapped_column(String(40), default="")

    document: Mapped[BillingDocument] = relationship(back_populates="lines")


class BillingRequest(db.Model):
    """A credit note or adjustment the built-in billing adapter recorded for an approved claim line."""

    __tablename__ = "billing_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # credit_note | adjustment
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
    claim_line_version_id: Mapped[int] = mapped_column(Integer, unique=True)
    document_number: Mapped[str] = mapped_column(String(40), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ServiceChangeOrderType(db.Model):
    """Upgrade, downgrade, cambio de domicilio, baja...: rows an admin may add; ``generates`` says what an
    order of this type opens by default (service_order | claim)."""

    __tablename__ = "service_change_order_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    generates: Mapped[str] = mapped_column(String(20), default="service_order")
    active: Mapped[bool] = mapped_column(default=True)


class ServiceChangeOrder(db.Model):
    __tablename__ = "service_change_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("service_change_order_type.code"))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done
    service_order_id: Mapped[int | None] = mapped_column(ForeignKey("billing_document.id"))
    claim_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    customer: Mapped[Customer] = relationship()
    type: Mapped[ServiceChangeOrderType] = relationship()
    service_order: Mapped[BillingDocument | None] = relationship()
    claim_ticket = relationship("Ticket")
