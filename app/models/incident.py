"""What an incident adds to its ticket: the device, the faults, the escalation level, the resolution
(searched for similar incidents) and the category it really was."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.case import CaseStatus
from app.models.people import User
from app.models.ticket import Ticket
from app.models.types import UTCDateTime


class IncidentDetail(db.Model):
    __tablename__ = "incident_detail"
    __table_args__ = (Index("ix_incident_detail_device", "device_key"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    # The service or device the duplicate check compares: the serial/IMEI, else the service address.
    device_key: Mapped[str] = mapped_column(String(120), default="")
    device_serial: Mapped[str] = mapped_column(String(80), default="")  # serial number or IMEI
    faults: Mapped[list] = mapped_column(JSON, default=list)  # codes from forms/incidencia_registro
    fault_notes: Mapped[str] = mapped_column(Text, default="")
    reported_category: Mapped[str | None] = mapped_column(String(40))  # as registered
    final_category: Mapped[str | None] = mapped_column(String(40))  # what it really was (set at close)
    impact: Mapped[str | None] = mapped_column(String(10))
    urgency: Mapped[str | None] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(20), default="n1")  # n1 | n2 | supervisor
    diagnosis: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[str] = mapped_column(Text, default="")
    applied_from_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # ``Ticket.incident``: open_case(kind="incident", incident=IncidentDetail(...)) stores both at once, so the
    # diagram's first service task already sees the device.
    ticket: Mapped[Ticket] = relationship(foreign_keys=[ticket_id], backref=backref(
        "incident", uselist=False, cascade="all, delete-orphan"))


class IncidentEscalation(db.Model):
    """One step up the protocol (N1 → N2 → supervisor): who, why, by timer or by hand."""

    __tablename__ = "incident_escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    from_level: Mapped[str] = mapped_column(String(20))
    to_level: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str] = mapped_column(String(10))  # timer | manual
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    actor: Mapped[User | None] = relationship()


def device_key(serial: str = "", brand: str = "", model: str = "", service_address: str = "") -> str:
    """What makes two reports be about the same device or service: the serial/IMEI, else brand and model,
    else the service address (normalized: case, spaces and punctuation do not matter)."""
    def norm(*parts: str) -> str:
        return " ".join("".join(c for c in " ".join(parts).lower() if c.isalnum() or c.isspace()).split())

    if norm(serial):
        return "serie:" + norm(serial).replace(" ", "")
    if norm(brand, model):
        return "equipo:" + norm(brand, model)
    if norm(service_address):
        return "servicio:" + norm(service_address)
    return ""


def open_duplicates(customer_id: int, key: str, category: str | None, exclude_id: int | None = None):
    """Open incidents of the customer on the same device or service (and category, when known)."""
    query = (select(Ticket).join(IncidentDetail, IncidentDetail.ticket_id == Ticket.id)
             .where(Ticket.customer_id == customer_id, Ticket.kind == "incident",
                    Ticket.status.in_(CaseStatus.open_codes("incident")), Ticket.closed_at.is_(None),
                    IncidentDetail.device_key == key))
    if category:
        query = query.where(Ticket.category == category)
    if exclude_id is not None:
        query = query.where(Ticket.id != exclude_id)
    return query.order_by(Ticket.id)
