"""A ticket's timeline a page at a time, newest first, by keyset: a page is the ``limit`` lines with an id below
``before``, so the 500th round reads what the first did (the staff page, the portal page and the API)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Ticket, TicketEvent, User
from app.services.cases.ticket_service import visible_ticket
from app.url_converters import MAX_ID

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


@dataclass
class EventPage:
    events: list[TicketEvent]  # newest first
    older: int | None  # ``before`` of the next, older page; None when this page holds the ticket's first line
    latest: bool  # the page starts at the newest line

    @property
    def chronological(self) -> list[TicketEvent]:
        return self.events[::-1]


def page(ticket: Ticket, before: int | None = None, limit: int = PAGE_SIZE, *, public_only: bool = False,
         with_actors: bool = True) -> EventPage:
    """The ``limit`` newest lines of ``ticket`` with an id below ``before`` (the newest page when None, or when
    ``before`` is no id a column holds: a link edited by hand shows the newest page, never a database error)."""
    if before is not None and not 1 <= before <= MAX_ID:
        before = None
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
    if before is not None:
        query = query.where(TicketEvent.id < before)
    if public_only:
        query = query.where(TicketEvent.public.is_(True))
    if with_actors:
        query = query.options(joinedload(TicketEvent.actor))
    # One row more than asked says whether an older page exists without counting.
    rows = list(db.session.scalars(query.order_by(TicketEvent.id.desc()).limit(limit + 1)))
    shown = rows[:limit]
    older = shown[-1].id if len(rows) > limit else None
    return EventPage(events=shown, older=older, latest=before is None)


def of_ticket(number: str, user: User, before: int | None = None, limit: int = PAGE_SIZE) -> EventPage:
    """A page of the timeline of a ticket ``user`` may see (every line: staff see internal ones too)."""
    return page(visible_ticket(number, user), before, limit)
