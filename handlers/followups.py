"""What a follow-up's diagram knows about itself: its subject's typification, the earlier ticket and the
whole history of follow-ups on it (the supervisor reads it in his task)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp, Ticket
from handlers.answers import newest
from handlers.registry import HandlerContext, service_task


@service_task("followup.load", results=("subject", "subject_label", "category", "team", "priority", "escalated",
                                          "earlier_priority", "earlier", "history"))
def load(ctx: HandlerContext) -> dict:
    record = db.session.get(FollowUp, ctx.ticket.id)
    if record is None:
        raise LookupError(f"ticket {ctx.ticket.number} is not a follow-up")
    subject, earlier = record.subject, record.earlier
    return {
        "subject": subject.code,
        "subject_label": subject.label,
        "category": subject.category,
        "team": subject.team_code,
        "priority": subject.priority,
        "escalated": record.escalated,
        "earlier_priority": earlier.priority if earlier else None,
        "earlier": _summary(earlier) if earlier else None,
        "history": [_summary(t) | {"subject": f.subject.label} for f, t in history(earlier)] if earlier else [],
    }


def history(earlier: Ticket) -> list[tuple[FollowUp, Ticket]]:
    """Every follow-up on ``earlier``, oldest first."""
    return [(record, ticket) for record, ticket in db.session.execute(
        select(FollowUp, Ticket).join(Ticket, Ticket.id == FollowUp.ticket_id)
        .where(FollowUp.earlier_ticket_id == earlier.id).order_by(Ticket.id))]


def _summary(ticket: Ticket) -> dict:
    answer = newest(ticket)
    due = ticket.response_due_at
    return {"number": ticket.number, "status": ticket.status_label, "description": ticket.description,
            "reported_at": f"{ticket.reported_at:%d/%m/%Y %H:%M} UTC",
            "response_due_at": f"{due:%d/%m/%Y %H:%M} UTC" if due else None,
            "answer": answer.text if answer else None}
