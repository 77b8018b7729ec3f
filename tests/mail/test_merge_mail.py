"""Merging a mailed-in duplicate keeps everything: its timeline, attachments and the customer's mail move to
the original, and the customer's next reply to the duplicate's thread lands on the original."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, InboundMessage, Ticket, TicketEvent
from app.services.cases import links, ticket_service
from app.services.mail import outbox_service
from tests.conftest import user
from tests.mail.conftest import eml, receive


def test_merge_moves_mail_and_files_and_the_thread_follows(app, smtp):
    mailed = db.session.get(Ticket, receive(eml("attachment_docx")).ticket_id)
    [attachment] = db.session.scalars(select(Attachment).where(Attachment.ticket_id == mailed.id))
    original = ticket_service.open_complaint(channel="phone", description="Internet lento", actor=user("agente"),
                                             customer_number="C-1001")
    lines = db.session.scalars(select(TicketEvent.id).where(TicketEvent.ticket_id == mailed.id)).all()
    links.merge(mailed.number, original.number, user("agente"))
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id).ticket_id == original.id
    assert db.session.scalar(select(InboundMessage.ticket_id).where(
        InboundMessage.message_id == "attachment_docx@cliente.example.com")) == original.id
    moved = db.session.scalars(select(TicketEvent).where(TicketEvent.id.in_(lines))).all()
    assert {e.ticket_id for e in moved} == {original.id}
    assert all(e.data["merged_from"] == mailed.number for e in moved)
    duplicate = db.session.get(Ticket, mailed.id)
    assert duplicate.status == "closed" and links.merged_into(duplicate).id == original.id
    # The customer answers the duplicate's confirmation: it goes on the original.
    reply = receive(eml("reply_subject_tag_only", ticket=mailed.number))
    assert reply.ticket_id == original.id
    outbox_service.deliver_due()
    told = [m for m in smtp.inbox.messages if "continúa en" in m["Subject"]]
    assert [m["To"] for m in told] == ["maria.lopez@example.com"] and original.number in told[0]["Subject"]
