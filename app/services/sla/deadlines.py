"""Deadlines in business time: the targets of a ticket and adding business hours to an instant."""
from __future__ import annotations

from datetime import datetime

from app.businesstime import arithmetic, ticket_clock
from app.businesstime import calendar as calendars
from app.businesstime.ticket_clock import Targets
from app.services.transaction import transaction

__all__ = ["Targets", "add_business_time", "compute_targets"]


def compute_targets(ticket, targets: Targets) -> None:
    """Fill the response and resolution due dates of ``ticket`` from a row of objetivos_sla.dmn.

    In a diagram, the ``ticket.classify`` service task does this after the "Fijar objetivos de SLA"
    business rule task; this function is for services that reclassify a ticket outside a diagram.
    """
    with transaction():
        ticket_clock.apply_targets(ticket, targets)


def add_business_time(start: datetime, hours: float, calendar: str) -> datetime:
    """``start`` plus ``hours`` of open time of the calendar whose code is ``calendar`` (UTC)."""
    return arithmetic.add_business_time(start, hours, calendars.load(calendar))
