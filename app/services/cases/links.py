"""Links between tickets of any kind (duplicado de, relacionado con, causado por) and merging a duplicate
into its original, as staff do them from a ticket's page or the API.

A link reads from both tickets: ``I-2026-000007`` "duplicate of" ``I-2026-000003`` shows on the second as
"has the duplicate". The row work is in ``handlers.links`` (the incident diagram merges too).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Ticket, TicketLink, User
from app.services.cases import ticket_view_service
from app.services.transaction import transaction
from app.workflow import runtime
from handlers.links import LINK_TYPES, add_link, merge_into, merged_into
from handlers.timeline import add_event

MANUAL_TYPES = ("duplicate_of", "related_to", "caused_by")  # what staff choose on a ticket's page

__all__ = ["LINK_TYPES", "MANUAL_TYPES", "LinkView", "link_tickets", "links_of", "merge", "merged_into",
           "remove_link"]


@dataclass
class LinkView:
    id: int
    link_type: str
    label: str
    other: Ticket
    outgoing: bool  # this ticket holds the link
    created_at: datetime
    created_by: User | None
    note: str


def link_tickets(number: str, target_number: str, link_type: str, actor: User, note: str = "") -> TicketLink:
    """Link ``number`` to ``target_number``; ``actor`` must see both."""
    if link_type not in MANUAL_TYPES:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"link_type": [_("Choose an option.")]})
    with transaction():
        ticket, target = _pair(number, target_number, actor)
        link = add_link(ticket, target, link_type, actor, note)
    return link


def remove_link(number: str, link_id: int, actor: User) -> None:
    with transaction():
        ticket = ticket_view_service.visible_ticket(number, actor)
        link = db.session.get(TicketLink, link_id)
        if link is None or ticket.id not in (link.ticket_id, link.target_id) or link.link_type not in MANUAL_TYPES:
            raise NotFound(_("No such link."))
        other = link.target if link.ticket_id == ticket.id else link.ticket
        add_event(ticket, "unlinked", _("Link removed with %(number)s.", number=other.number), actor=actor)
        add_event(other, "unlinked", _("Link removed with %(number)s.", number=ticket.number), actor=actor)
        db.session.delete(link)


def links_of(ticket: Ticket) -> list[LinkView]:
    # selectinload, not joinedload: most tickets have no link, and then it is one plain statement (joining
    # two tickets' worth of columns cost more than the query itself in every API answer).
    rows = db.session.scalars(
        select(TicketLink).where(or_(TicketLink.ticket_id == ticket.id, TicketLink.target_id == ticket.id))
        .options(selectinload(TicketLink.ticket), selectinload(TicketLink.target)).order_by(TicketLink.id))
    views = []
    for link in rows:
        outgoing = link.ticket_id == ticket.id
        forward, inverse = LINK_TYPES.get(link.link_type, (link.link_type, link.link_type))
        views.append(LinkView(
            id=link.id, link_type=link.link_type, label=str(forward if outgoing else inverse),
            other=link.target if outgoing else link.ticket, outgoing=outgoing, created_at=link.created_at,
            created_by=db.session.get(User, link.created_by_id) if link.created_by_id else None, note=link.note))
    return views


def merge(duplicate_number: str, original_number: str, actor: User) -> Ticket:
    """Merge the duplicate into the original in one commit (its process stops); returns the original."""
    with transaction():
        duplicate, original = _pair(duplicate_number, original_number, actor)
        runtime.cancel_all(duplicate)
        merge_into(duplicate, original, actor)
    return original


def _pair(number: str, other_number: str, actor: User) -> tuple[Ticket, Ticket]:
    other_number = (other_number or "").strip()
    if not other_number:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"target": [_("Give the other ticket's number.")]})
    return (ticket_view_service.visible_ticket(number, actor),
            ticket_view_service.visible_ticket(other_number, actor))
