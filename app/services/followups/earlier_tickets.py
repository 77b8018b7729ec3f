"""Finding the earlier ticket a caller presses on: by its number, or by the customer's number, phone or
name (his tickets, newest first; follow-ups are shown under the ticket they press on)."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp, Ticket, User
from app.services.accounts import customer_service

LIMIT = 30
TICKET_NUMBER = re.compile(r"[A-Za-z]{1,5}-\d{4}-\d{6}")


def find(text: str, actor: User) -> list[Ticket]:
    text = (text or "").strip()
    if not text:
        return []
    customers = customer_service.find_callers(text, actor)  # only the contact center searches
    if TICKET_NUMBER.fullmatch(text):
        query = select(Ticket).where(Ticket.number == text.upper())
    else:
        query = select(Ticket).outerjoin(FollowUp, FollowUp.ticket_id == Ticket.id).where(
            FollowUp.ticket_id.is_(None), Ticket.customer_id.in_([c.id for c in customers]))
    return list(db.session.scalars(query.order_by(Ticket.id.desc()).limit(LIMIT)))
