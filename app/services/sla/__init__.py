"""The SLA engine's use cases, shared by every kind of case: business calendars (calendar.py), deadlines
(deadlines.py), pauses while the ticket waits on the customer (pauses.py) and the state shown on pages
and in the API (``sla.state(ticket)``). The arithmetic itself lives in ``app.businesstime`` so that
service-task handlers use the same code."""
from app.services.sla.state import state

__all__ = ["state"]
