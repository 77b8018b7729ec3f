"""How a ticket's timeline reads to its customer: people, not states. A change of status speaks with the
status's customer wording (``processes/kinds/*.json``, edited by an admin) and the note the process wrote
for him; the conversation (the technician's questions, his messages and files, staff replies) says who
wrote; lines staff keep to themselves (``public`` False) are never here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.i18n import _
from app.models import Attachment, CaseStatus, Ticket, TicketEvent

# Lines of the conversation: someone wrote to someone.
CONVERSATION_KINDS = frozenset({"question", "customer_message", "customer_email", "staff_reply"})
CUSTOMER_KINDS = frozenset({"customer_message", "customer_email"})


@dataclass(frozen=True)
class CustomerLine:
    id: int
    created_at: datetime
    kind: str
    title: str  # who wrote, or what happened in the customer's words
    text: str
    conversation: bool = False
    mine: bool = False  # the customer wrote it (himself or through staff)
    attachments: list[Attachment] = field(default_factory=list)


def lines(ticket: Ticket, events: list[TicketEvent], files: dict[int, list[Attachment]]) -> list[CustomerLine]:
    """``events``: the ticket's public lines, oldest first; ``files``: attachments by their line's id."""
    notes = {(e.data or {}).get("note") for e in events if e.kind == "status_changed"}
    shown = []
    for event in events:
        if event.kind == "answered" and _answer_text(event) in notes:
            continue  # the resolution or rejection the status line already told, word for word
        title, text = _wording(ticket, event)
        shown.append(CustomerLine(id=event.id, created_at=event.created_at, kind=event.kind, title=title, text=text,
                                  conversation=event.kind in CONVERSATION_KINDS, mine=event.kind in CUSTOMER_KINDS,
                                  attachments=files.get(event.id, [])))
    return shown


def _answer_text(event: TicketEvent) -> str:
    """The answer's own words (the line reads "Answer from the responsible area: <text>")."""
    prefix = _("Answer from the responsible area: %(text)s", text="")
    return event.message[len(prefix):] if event.message.startswith(prefix) else event.message


def _wording(ticket: Ticket, event: TicketEvent) -> tuple[str, str]:
    data = event.data or {}
    if event.kind == "status_changed" and "note" in data:
        status = CaseStatus.info(ticket.kind, data.get("new", ""))
        return (status.customer_label if status else data.get("new", "")), data["note"]
    if event.kind == "question":
        return _("%(name)s asks you", name=_staff_name(event)), event.message
    if event.kind == "staff_reply":
        return _("%(name)s wrote to you", name=_staff_name(event)), event.message
    if event.kind == "customer_message":
        if event.actor is not None:
            return _("You (recorded by %(agent)s by phone)", agent=event.actor.full_name), event.message
        return _("You wrote"), event.message
    if event.kind == "customer_email":
        return _("You wrote by e-mail"), event.message
    return "", event.message


def _staff_name(event: TicketEvent) -> str:
    return event.actor.full_name if event.actor else _("Our team")
