"""The SLA clock stops while a ticket waits on the customer and starts again when the answer arrives.

Status changes made by diagrams pause and resume through ``handlers/tickets.py::change_status`` (the
pausing statuses are rows of ``sla_pause_status``); a customer's answer resumes the clock before the next
round of the diagram starts, so that round's timers read the pushed due dates.
"""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.businesstime import ticket_clock
from app.models import Ticket
from app.services.transaction import transaction


def pause(ticket: Ticket) -> None:
    with transaction():
        ticket_clock.pause(ticket, clock.now())


def resume(ticket: Ticket) -> timedelta:
    """Push the open deadlines by the business time spent paused; return that time."""
    with transaction():
        return ticket_clock.resume(ticket, clock.now())
