"""Where a ticket stands against its targets: on time, warning, breached (or paused), response and
resolution."""
from __future__ import annotations

from app import clock
from app.businesstime.ticket_clock import SlaState, TargetState
from app.businesstime.ticket_clock import state as _state
from app.models import Ticket

__all__ = ["SlaState", "TargetState", "state"]


def state(ticket: Ticket) -> SlaState:
    return _state(ticket, clock.now())
