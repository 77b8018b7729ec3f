"""Closed tickets written straight into the tables: a fixed data set for the review and the report."""
from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Customer, Ticket

_numbers = itertools.count(1)


def closed_ticket(description: str, closed: datetime, *, category: str = "sin_servicio", kind: str = "complaint",
                  equipment: tuple[str, str] = ("", ""), solution: str = "", reported: datetime | None = None,
                  resolved: datetime | None = None, **fields) -> Ticket:
    customer = db.session.scalar(select(Customer).where(Customer.number == "C-1001"))
    ticket = Ticket(number=f"REV-{next(_numbers):05d}", kind=kind, customer_id=customer.id, channel="portal",
                    description=description, status="closed", category=category, priority="media",
                    equipment_brand=equipment[0], equipment_model=equipment[1],
                    reported_at=reported or closed, resolved_at=resolved, closed_at=closed,
                    report={"nature": category, "actions": [], "solution": solution, "rounds": 1}, **fields)
    db.session.add(ticket)
    db.session.commit()
    return ticket


def local(*args) -> datetime:
    return datetime(*args, tzinfo=clock.OFFICE_TZ)
