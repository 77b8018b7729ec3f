"""Has a ticket an answer from the responsible area? Every kind: a staff reply marked as the answer, the
resolution, the rejection with its reason, a follow-up's answer step; when and who. The newest one is the
ticket's answer (the agent reads it out: "muchos requerimientos están respondidos y el cliente no sabe")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.i18n import _
from app.models import Ticket, TicketAnswer, TicketEvent, User
from app.services.cases import ticket_view_service
from app.services.transaction import transaction
from handlers import answers as answer_rows

STAFF_ROLES = ("agent", "technician", "supervisor")


@dataclass(frozen=True)
class Answer:
    """What pages and the API show of an answer."""

    source: str
    text: str
    reason: str
    answered_at: datetime
    answered_by: str | None  # the staff member's name; None when nobody in particular (automatic)

    @property
    def source_label(self) -> str:
        return {"staff_reply": _("Reply from the responsible area"), "resolution": _("Resolution"),
                "rejection": _("Rejection"), "followup_answer": _("Answer to the follow-up")}[self.source]


def answer_of(ticket: Ticket) -> Answer | None:
    row = answer_rows.newest(ticket)
    return _view(row) if row else None


def answers_of(ticket: Ticket) -> list[Answer]:
    rows = db.session.scalars(select(TicketAnswer).where(TicketAnswer.ticket_id == ticket.id)
                              .options(joinedload(TicketAnswer.answered_by))
                              .order_by(TicketAnswer.answered_at, TicketAnswer.id))
    return [_view(row) for row in rows]


def marked_events(ticket: Ticket) -> set[int]:
    return set(db.session.scalars(select(TicketAnswer.event_id).where(TicketAnswer.ticket_id == ticket.id,
                                                                      TicketAnswer.event_id.is_not(None))))


def mark_reply_as_answer(number: str, event_id: int, actor: User) -> Answer:
    """A public staff reply on the timeline becomes the ticket's answer (once)."""
    if not actor.has_role(*STAFF_ROLES):
        raise Forbidden(_("Only staff may mark the answer of a ticket."))
    with transaction():
        ticket = ticket_view_service.visible_ticket(number, actor)
        event = db.session.get(TicketEvent, event_id)
        if event is None or event.ticket_id != ticket.id or event.kind != "staff_reply" or not event.public:
            raise NotFound(_("That reply is not on ticket %(number)s.", number=number))
        if db.session.scalar(select(TicketAnswer.id).where(TicketAnswer.event_id == event.id)):
            raise Conflict(_("That reply is already the answer of the ticket."))
        row = answer_rows.record(ticket, "staff_reply", event.message, actor=event.actor or actor, event=event)
        db.session.flush()
        answer = _view(row)
    return answer


def _view(row: TicketAnswer) -> Answer:
    return Answer(source=row.source, text=row.text, reason=row.reason, answered_at=row.answered_at,
                  answered_by=row.answered_by.full_name if row.answered_by else None)
