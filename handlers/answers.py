"""A ticket's answer from the responsible area, recorded where it is given: the ``ticket.record_answer``
service task (a diagram's answer step), a rejection with its reason, a resolution told to the customer.
A staff reply marked as the answer comes through ``app.services.cases.answers``."""
from __future__ import annotations

from sqlalchemy import select

from app import clock, signals
from app.businesstime import ticket_clock
from app.extensions import db
from app.i18n import _, _l
from app.models import Ticket, TicketAnswer, TicketEvent, User
from handlers import timeline
from handlers.registry import HandlerContext, current_context, service_task
from handlers.rows import reading, related
from handlers.tickets import change_status

# A change into one of these statuses tells the customer the area's answer (its note is the text).
ANSWERING_STATUSES = {"rejected": "rejection", "pending_confirmation": "resolution"}


def connect() -> None:
    signals.ticket_status_changed.connect(on_status_changed)
    signals.ticket_closed.connect(on_closed)


def record(ticket: Ticket, source: str, text: str, *, actor: User | None = None, reason: str = "",
           event: TicketEvent | None = None) -> TicketAnswer:
    """Store the answer and say so on the timeline (publicly: the customer reads it there too)."""
    answer = TicketAnswer(ticket_id=ticket.id, source=source, text=text, reason=reason,
                          answered_by_id=actor.id if actor else None, event_id=event.id if event else None)
    db.session.add(answer)
    ticket_clock.record_response(ticket, clock.now())  # an answer is a response to the customer
    if event is None:
        timeline.add_event(ticket, "answered", _("Answer from the responsible area: %(text)s", text=text),
                           public=True, actor=actor, data={"source": source})
    return answer


def newest(ticket: Ticket) -> TicketAnswer | None:
    with reading(TicketAnswer):
        return db.session.scalar(select(TicketAnswer).where(TicketAnswer.ticket_id == ticket.id)
                                 .order_by(TicketAnswer.answered_at.desc(), TicketAnswer.id.desc()).limit(1))


@service_task("ticket.record_answer", params={
    "text": _l("The area's answer, shown to the customer."),
}, results=("answered",))
def record_answer(ctx: HandlerContext, text: str) -> dict:
    """The answer step of a diagram (a follow-up's): record it and mark the ticket answered."""
    record(ctx.ticket, "followup_answer", text, actor=ctx.actor)
    change_status(ctx.ticket, "answered")
    return {"answered": True}


def on_status_changed(ticket: Ticket, *, new: str, note: str, **_kw) -> None:
    source = ANSWERING_STATUSES.get(new)
    if source and note:
        ctx = current_context.get()
        actor = ctx.actor if ctx else None
        if source == "resolution":
            actor = related(ticket, "assignee") or actor
        record(ticket, source, note, actor=actor, reason=note if source == "rejection" else "")


def on_closed(ticket: Ticket, **_kw) -> None:
    """The closing report's solution is the final answer, unless the same words were already recorded."""
    solution = (ticket.report or {}).get("solution") or ""
    latest = newest(ticket)
    if solution and (latest is None or latest.text != solution):
        record(ticket, "resolution", solution, actor=related(ticket, "assignee"))
