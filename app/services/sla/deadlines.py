"""Deadlines in business time: the targets of a ticket and adding business hours to an instant."""
from __future__ import annotations

import logging
from datetime import datetime

from app.businesstime import arithmetic, ticket_clock
from app.businesstime import calendar as calendars
from app.businesstime.ticket_clock import Targets
from app.errors import WorkflowFailed
from app.models import Category, Ticket
from app.services.transaction import transaction
from app.workflow import decisions

__all__ = ["Targets", "add_business_time", "compute_targets", "estimate_resolution"]
SLA_TARGETS = "objetivos_sla"  # the decision of processes/objetivos_sla.dmn
log = logging.getLogger(__name__)


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


def estimate_resolution(ticket: Ticket) -> datetime | None:
    """The resolution deadline the SLA targets give the ticket as reported, for its confirmation (the seeds
    want the estimated date in it): ``objetivos_sla.dmn`` for its kind and reported priority (else its
    category's default, else none: the table's catch-all row), in business time from ``reported_at``.
    Classification later sets the real targets and moves the estimate with them."""
    leaf = Category.leaf(ticket.category) if ticket.category else None
    priority = ticket.reported_priority or (leaf.default_priority if leaf else None)
    try:
        row = decisions.decide_deployed(SLA_TARGETS, {"ticket": {"kind": ticket.kind}, "priority": priority})
    except WorkflowFailed:  # the table is not deployed yet: the confirmation goes without a date
        log.warning("no estimated resolution date for %s: %s is not deployed", ticket.number, SLA_TARGETS)
        return None
    if not row:
        return None
    return add_business_time(ticket.reported_at, float(row["resolution_hours"]), row["sla_calendar"])
