"""Links between tickets and merging a duplicate into its original: the row work, shared by the staff's
use cases (app/services/cases/links.py) and the incident diagram's "unir al original" service task.

Merging moves the duplicate's timeline, attachments and the customer's mail to the original, closes the
duplicate with a "merged into" link (the pointer) and fires ``ticket_merged`` (the customer is told which
number to follow). Stopping the duplicate's own process is the caller's part.
"""
from __future__ import annotations

from sqlalchemy import select, update

from app import clock, signals
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.i18n import _, _l
from app.models import Attachment, InboundMessage, Ticket, TicketEvent, TicketLink, User
from handlers.registry import HandlerContext, service_task
from handlers.timeline import add_event

# type: (as read on the ticket that holds the link, as read on its target)
LINK_TYPES = {
    "duplicate_of": (_l("duplicate of"), _l("has the duplicate")),
    "related_to": (_l("related to"), _l("related to")),
    "caused_by": (_l("caused by"), _l("cause of")),
    "merged_into": (_l("merged into"), _l("received the merged ticket")),
    "insistencia": (_l("follow-up of"), _l("has the follow-up")),
    "origen": (_l("originated in"), _l("origin of")),
}
MERGED_STATUS = "closed"


def add_link(ticket: Ticket, target: Ticket, link_type: str, actor: User | None, note: str = "") -> TicketLink:
    """The link, and a line on both timelines."""
    if link_type not in LINK_TYPES:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"link_type": [_("Choose an option.")]})
    if ticket.id == target.id:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"target": [_("A ticket cannot be linked to itself.")]})
    exists = db.session.scalar(select(TicketLink.id).where(
        TicketLink.ticket_id == ticket.id, TicketLink.target_id == target.id, TicketLink.link_type == link_type))
    if exists is not None:
        raise Conflict(_("These tickets are already linked that way."))
    link = TicketLink(ticket_id=ticket.id, target_id=target.id, link_type=link_type, note=(note or "")[:2000],
                      created_by_id=actor.id if actor else None)
    db.session.add(link)
    forward, inverse = LINK_TYPES[link_type]
    add_event(ticket, "linked", _("Linked: %(label)s %(number)s.", label=forward, number=target.number),
              actor=actor, data={"link_type": link_type, "target": target.number})
    add_event(target, "linked", _("Linked: %(label)s %(number)s.", label=inverse, number=ticket.number),
              actor=actor, data={"link_type": link_type, "source": ticket.number})
    db.session.flush()
    return link


def merged_into(ticket: Ticket) -> Ticket | None:
    """The original a merged duplicate points to."""
    return db.session.scalar(select(Ticket).join(TicketLink, TicketLink.target_id == Ticket.id).where(
        TicketLink.ticket_id == ticket.id, TicketLink.link_type == "merged_into"))


def merge_into(duplicate: Ticket, original: Ticket, actor: User | None) -> dict:
    """Move what the duplicate holds to the original and close the duplicate; returns what moved."""
    if duplicate.id == original.id:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"target": [_("A ticket cannot be merged into itself.")]})
    if duplicate.customer_id != original.customer_id:
        raise Conflict(_("Only tickets of the same customer can be merged."))
    if merged_into(duplicate) is not None or duplicate.closed_at is not None or original.closed_at is not None:
        raise Conflict(_("A closed ticket cannot be merged."))
    moved = {
        "events": _move_timeline(duplicate, original),
        "attachments": db.session.execute(update(Attachment).where(Attachment.ticket_id == duplicate.id)
                                          .values(ticket_id=original.id)).rowcount,
        # The customer's mail (and so the thread his next reply joins) follows the original.
        "messages": db.session.execute(update(InboundMessage).where(InboundMessage.ticket_id == duplicate.id)
                                       .values(ticket_id=original.id)).rowcount,
    }
    db.session.add(TicketLink(ticket_id=duplicate.id, target_id=original.id, link_type="merged_into",
                              created_by_id=actor.id if actor else None))
    old = duplicate.status
    duplicate.status, duplicate.closed_at = MERGED_STATUS, clock.now()
    add_event(duplicate, "merged", _("This report was joined to %(number)s: follow that number from now on.",
                                     number=original.number), public=True, actor=actor,
              data={"into": original.number, "old_status": old, **moved})
    add_event(original, "merged", _("The report %(number)s was joined to this ticket.", number=duplicate.number),
              public=True, actor=actor, data={"from": duplicate.number, **moved})
    db.session.flush()
    db.session.expire(duplicate, ["events"])
    db.session.expire(original, ["events"])
    signals.ticket_merged.send(duplicate, original=original, actor=actor)
    return moved


def _move_timeline(duplicate: Ticket, original: Ticket) -> int:
    events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == duplicate.id)).all()
    for event in events:
        event.ticket_id = original.id
        event.data = {**(event.data or {}), "merged_from": duplicate.number}
    return len(events)


@service_task("ticket.merge_into", params={
    "original": _l("Number of the ticket it joins."),
}, results=("original", "events", "attachments", "messages"))
def merge_into_task(ctx: HandlerContext, original: str) -> dict:
    """The validator found that this report is the same as an open one: join it there."""
    target = db.session.scalar(select(Ticket).where(Ticket.number == (original or "").strip()))
    if target is None:
        raise LookupError(f"the ticket {original!r} to merge into does not exist")
    moved = merge_into(ctx.ticket, target, ctx.actor)
    return {"original": target.number, **moved}
