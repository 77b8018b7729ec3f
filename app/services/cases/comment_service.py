"""Internal comments on a ticket: staff-only lines of its timeline."""
from __future__ import annotations

from app.errors import ValidationFailed
from app.i18n import _
from app.models import TicketEvent, User
from app.services.cases import attachment_service, ticket_view_service
from app.services.transaction import transaction
from handlers.timeline import new_event

MAX_LENGTH = 4000


def add_internal_comment(number: str, text: str, actor: User) -> TicketEvent:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"text": [_("Write the comment.")]})
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"text": [_("At most %(n)s characters.", n=MAX_LENGTH)]})
    with transaction():
        ticket = ticket_view_service.visible_ticket(number, actor)
        event = new_event(ticket, "comment", text, public=False, actor=actor)
    return event


def attach_file(number: str, filename: str, data: bytes, actor: User):
    """Keep a file with the ticket and say so on its (internal) timeline, in one commit."""
    with transaction():
        ticket = ticket_view_service.visible_ticket(number, actor)
        name = attachment_service.sanitize_filename(filename)
        event = new_event(ticket, "attachment", _("File attached: %(name)s", name=name), actor=actor)
        attachment = attachment_service.store(ticket, filename, data, source="staff", actor=actor, event=event)
    return attachment
