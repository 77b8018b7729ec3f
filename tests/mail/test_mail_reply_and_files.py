"""Staff answer by mail (threaded, on the timeline); attachments by content; parsing edge cases."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.mail.parse import clean_header, decode_bytes, decode_header_value, parse
from app.models import OutboxMessage, Ticket
from app.services.cases import attachment_service
from app.services.mail import mail_reply_service, outbox_service
from handlers import delivery
from tests.conftest import user
from tests.mail.conftest import eml, events, our_id, receive
from tests.mail.make_corpus import EXE, PDF, PNG, docx

MARIA = "maria.lopez@example.com"


def test_staff_answer_is_queued_threaded_and_on_the_timeline(app, smtp, mailed_ticket):
    outbox_service.deliver_due()  # the confirmation goes out first and records our Message-ID
    reply = receive(eml("reply_subject_tag_only", ticket=mailed_ticket.number))
    message = mail_reply_service.reply_to_customer(mailed_ticket.number, "Mañana a las 10 pasa el técnico.",
                                                   user("agente"))
    assert message.recipient == MARIA and message.subject == f"[{mailed_ticket.number}] Respuesta a su queja"
    assert "Mañana a las 10 pasa el técnico." in message.body and "Ana Agente" in message.body
    assert message.payload["in_reply_to"] == f"<{reply.message_id}>"
    assert message.payload["references"] == [
        f"<{our_id(mailed_ticket)}>", "<new_known_customer_plain@cliente.example.com>", f"<{reply.message_id}>"]
    [line] = events(mailed_ticket, "staff_reply")
    assert line.public and line.actor.username == "agente" and line.data["outbox_id"] == message.id

    assert outbox_service.deliver_due()["sent"] == 1
    sent = smtp.inbox.messages[-1]
    assert sent["In-Reply-To"] and sent["Message-ID"].endswith(f".{mailed_ticket.number}@net1.mx>")
    # The customer's answer to it threads back by its Message-ID alone.
    raw = eml("reply_in_reply_to_ours", ourid=sent["Message-ID"].strip("<>")).replace(
        b"reply_in_reply_to_ours@", b"answer-to-staff@")
    assert receive(raw).ticket_id == mailed_ticket.id


def test_only_staff_answer_and_never_with_an_empty_text(mailed_ticket):
    with pytest.raises(Forbidden):
        mail_reply_service.reply_to_customer(mailed_ticket.number, "Hola", None)
    with pytest.raises(ValidationFailed):
        mail_reply_service.reply_to_customer(mailed_ticket.number, "   ", user("agente"))
    with pytest.raises(NotFound):
        mail_reply_service.reply_to_customer("Q-2026-999999", "Hola", user("agente"))
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 1


def test_a_technician_never_mails_the_customer_of_a_ticket_he_may_not_see(mailed_ticket):
    """Issue 9, item 5: the same visibility rule as the ticket page (a number reveals nothing)."""
    with pytest.raises(NotFound):
        mail_reply_service.reply_to_customer(mailed_ticket.number, "Hola", user("campo1"))
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 1  # the auto-reply only


@pytest.mark.parametrize(("data", "expected"), [
    (PNG, "image/png"), (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"), (b"GIF89a....", "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), (PDF, "application/pdf"),
    (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "application/msword"),
    ("Registro del módem: OK\n".encode(), "text/plain"), ("Módem".encode("cp1252"), "text/plain"),
    (EXE, None), (b"\x7fELF\x02\x01", None), (b"#!/bin/sh\nrm -rf /\n", None),
    (b"<!DOCTYPE html><html></html>", None), (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", None),
    (b"<?xml version='1.0'?><svg/>", None), (b"PK\x03\x04not really a zip", None), (b"\x00\x01\x02\x03", None),
])
def test_the_type_is_read_from_the_bytes(data, expected):
    assert attachment_service.sniff(data) == expected


def test_stored_outside_static_under_a_random_name_and_downloadable(app, mailed_ticket, tmp_path):
    ticket = db.session.get(Ticket, mailed_ticket.id)
    kept = attachment_service.store(ticket, "C:\\fotos\\<módem>.png", PNG, source="staff", actor=user("agente"))
    db.session.commit()
    assert kept.original_name == "módem.png" and kept.size == len(PNG) and kept.uploaded_by_id
    found, path = attachment_service.open_for_download(kept.id)
    assert found.id == kept.id and path.read_bytes() == PNG
    assert path.parent == tmp_path / "attachments" and path.name == kept.stored_name != "módem.png"
    with pytest.raises(NotFound):
        attachment_service.open_for_download(kept.id + 1000)
    with pytest.raises(attachment_service.Refused):
        attachment_service.store(ticket, "virus.pdf", EXE, source="portal")
    with pytest.raises(ValueError):
        attachment_service.store(ticket, "a.png", PNG, source="fax")


def test_decoded_headers_never_carry_line_breaks():
    assert decode_header_value("=?UTF-8?Q?Refund=0ABcc:_x@evil?=") == "Refund Bcc: x@evil"
    assert decode_header_value("=?UTF-8?B?" + "SG9sYQ0KVG86IHhAeQ==" + "?=") == "Hola To: x@y"
    assert clean_header("a\u2028b\x00c\x85d\te") == "a b c d e"
    assert decode_header_value("=?utf-8?q?roto") == "=?utf-8?q?roto"


def test_a_parsed_subject_with_an_encoded_newline_builds_a_clean_outgoing_mail(app):
    subject = parse(eml("header_injection_subject")).subject
    env = delivery.Envelope(outbox_id=1, channel="email", recipient=MARIA, subject=f"Re: {subject}",
                            body="x", message_id="<m@atiende.local>")
    mail = delivery.build_email(env, app.config)
    head = mail.as_string().split("\n\n", 1)[0]
    assert mail["Bcc"] is None and [line for line in head.splitlines() if line.startswith("Bcc")] == []
    assert mail["Subject"] == "Re: Reembolso Bcc: x@evil.example"


def test_charset_fallbacks():
    assert decode_bytes("añadir".encode("latin-1"), "utf-8") == "añadir"
    assert decode_bytes("añadir".encode(), "iso-8859-1") == "añadir"
    assert decode_bytes("“€”".encode("cp1252"), None) == "“€”"
    assert decode_bytes(b"\x81\x8d\x8f", "x-unknown") == "\x81\x8d\x8f"


@pytest.mark.skipif(not hasattr(delivery, "_thread"), reason="needs the handlers/delivery.py change of issue 6")
def test_outgoing_mail_carries_the_reply_headers_and_marks_our_auto_reply(app, smtp, mailed_ticket):
    outbox_service.deliver_due()
    reply = receive(eml("reply_subject_tag_only", ticket=mailed_ticket.number))
    message = mail_reply_service.reply_to_customer(mailed_ticket.number, "Listo.", user("agente"))
    outbox_service.deliver_due()
    first, sent = smtp.inbox.messages
    assert first["Auto-Submitted"] == "auto-replied" and sent["Auto-Submitted"] is None
    assert sent["In-Reply-To"] == f"<{reply.message_id}>"
    assert sent["References"].split() == message.payload["references"]
