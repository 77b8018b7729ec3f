"""Business-hours calendars (the SLA engine's data): weekly opening hours, company days off, and the
ticket statuses during which the SLA clock stops. Official Mexican holidays come from the ``holidays``
package, not from rows (app/businesstime/calendar.py)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

MINUTES_PER_DAY = 24 * 60


class BusinessCalendar(db.Model):
    __tablename__ = "business_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Closed on Mexico's official holidays (Ley Federal del Trabajo, art. 74) when true.
    official_holidays: Mapped[bool] = mapped_column(Boolean, default=True)

    hours: Mapped[list[BusinessHours]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan",
        order_by="(BusinessHours.weekday, BusinessHours.start_minute)")
    days_off: Mapped[list[CalendarDayOff]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", order_by="CalendarDayOff.day")


class BusinessHours(db.Model):
    """One opening window on one weekday (0 = Monday), in minutes after local midnight; 1440 = 24:00."""

    __tablename__ = "business_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendar.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    calendar: Mapped[BusinessCalendar] = relationship(back_populates="hours")


class CalendarDayOff(db.Model):
    """A company day off entered by an admin: the calendar is closed the whole (local) day."""

    __tablename__ = "calendar_day_off"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendar.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(120), default="")

    calendar: Mapped[BusinessCalendar] = relationship(back_populates="days_off")


class SlaPauseStatus(db.Model):
    """A ticket status during which the SLA clock stops (e.g. ``waiting_customer``)."""

    __tablename__ = "sla_pause_status"

    status_code: Mapped[str] = mapped_column(String(30), primary_key=True)
