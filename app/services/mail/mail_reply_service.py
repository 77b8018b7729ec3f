"""Staff answer the customer by e-mail from the ticket page: an outbox mail threaded into the
conversation (In-Reply-To the customer's last mail, References to the whole thread) and a public line on
the timeline, in one commit. The worker sends it with retries like every other mail."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.mail.parse import clean_header
from app.models import OutboxMessage, Ticket, User
from app.models.mail import InboundMessage
from app.services.cases.ticket_service import visible_ticket
from app.services.transaction import transaction
from handlers import delivery, outbox, timeline
from handlers import mail as mail_templates

STAFF_ROLES = ("agent", "technician", "supervisor")
MAX_TEXT = 20000
MAX_REFERENCES = 20


def reply_to_customer(ticket_number: str, text: str, actor: User):
    """Queue ``text`` to the ticket's customer and record it on the timeline; returns the outbox row."""
    if actor is None or not actor.has_role(*STAFF_ROLES):
        raise Forbidden(_("Only staff may answer the customer."))
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or len(text) > MAX_TEXT:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"text": [_("Write an answer of at most %(n)s characters.", n=MAX_TEXT)]})
    with transaction():
        ticket = visible_ticket(ticket_number, actor)
        address = ticket.contact_email or ticket.customer.email
        if not address:
            raise ValidationFailed(_("The customer of ticket %(number)s has no e-mail address.",
                                     number=ticket.number))
        in_reply_to, references = thread_headers(ticket, address)
        subject, body = mail_templates.render(["staff_reply.txt"], ticket=ticket, customer=ticket.customer,
                                              text=text, actor=actor)
        message = outbox.queue("email", ticket=ticket, recipient=address, subject=subject, body=body,
                               payload={"kind": delivery.HUMAN_REPLY, "in_reply_to": in_reply_to,
                                        "references": references})
        timeline.add_event(ticket, "staff_reply", text, public=True, actor=actor,
                           data={"outbox_id": message.id, "to": address})
    return db.session.get(OutboxMessage, message.id)


def thread_headers(ticket: Ticket, address: str) -> tuple[str | None, list[str]]:
    """In-Reply-To: the customer's latest mail on the ticket (else our latest sent mail to him);
    References: our first mail to him, the customer's mails and our later ones, oldest first."""
    ours = [m for m in db.session.scalars(
        select(OutboxMessage.payload).where(OutboxMessage.ticket_id == ticket.id, OutboxMessage.channel == "email",
                                            OutboxMessage.recipient == address, OutboxMessage.status == "sent")
        .order_by(OutboxMessage.id)) if m and m.get("message_id")]
    theirs = list(db.session.execute(
        select(InboundMessage.id, InboundMessage.message_id).where(
            InboundMessage.ticket_id == ticket.id, InboundMessage.message_id.is_not(None))
        .order_by(InboundMessage.id)))
    references = [p["message_id"] for p in ours[:1]]
    references += [f"<{clean_header(mid)}>" for _id, mid in theirs]
    references += [p["message_id"] for p in ours[1:]]
    unique = list(dict.fromkeys(r for r in references if r and r != "<>"))[-MAX_REFERENCES:]
    latest_ours = ours[-1]["message_id"] if ours else None
    in_reply_to = f"<{clean_header(theirs[-1][1])}>" if theirs else latest_ours
    return in_reply_to, unique
