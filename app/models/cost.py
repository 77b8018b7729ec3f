"""What a ticket costs is priced by data: one row per rate (``processes/costs/rates.json`` adds the missing
ones at deploy, an administrator edits them). ``code`` is a role (unit "hour": its hourly rate), "visit"
(unit "visit": each on-site visit done) or "task_cap_minutes" (unit "minute": the most elapsed time a task
is charged when nobody entered its time)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.billing import Money
from app.models.types import UTCDateTime

COST_UNITS = ("hour", "visit", "minute")


class CostRate(db.Model):
    __tablename__ = "cost_rate"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="MXN")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
