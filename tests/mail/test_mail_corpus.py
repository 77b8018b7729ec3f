"""Every .eml of the corpus through the intake service: what it becomes (ticket, comment, note, nothing)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, OutboxMessage, Ticket
from app.models.attachment import Attachment
from app.models.mail import InboundMessage, ProvisionalCustomer
from tests.mail.conftest import CORPUS, eml, events, our_id, outbox_to, receive, tickets

MARIA = "maria.lopez@example.com"
SENAL = "Señal intermitente en la habitación; módem ZTE."

NEW_TICKET = {  # case -> text the complaint's description must contain
    "new_known_customer_plain": "Desde ayer no tengo internet; el módem parpadea en rojo.",
    "auto_submitted_no": "Sin internet (Auto-Submitted: no)",
    "no_message_id": "Reporte sin identificador",
    "subject_rfc2047_q_utf8": "Sin señal en mi módem",
    "subject_rfc2047_b_iso88591": "Línea caída, ¿qué hago?",
    "subject_rfc2047_windows1252": "“Internet lento” – urgente",
    "subject_rfc2047_unknown_charset": "Instalación",
    "body_qp_utf8": SENAL,
    "body_base64_utf8": SENAL,
    "body_qp_iso88591": SENAL,
    "body_base64_windows1252": "“Señal” intermitente – pago 350 € al mes.",
    "body_8bit_no_charset": SENAL,
    "body_wrong_charset_utf8_is_latin1": SENAL,
    "body_wrong_charset_latin1_is_utf8": SENAL,
    "body_unknown_charset": SENAL,
    "html_only": "Hola, no tengo internet desde el lunes & el teléfono tampoco funciona.",
    "html_only_xss": "Fin del reporte",
    "multipart_alternative": "Versión en texto: módem sin luz.",
    "multipart_inline_image_and_pdf": "Así se ve el módem:",
    "attachment_docx": "Adjunto el contrato.",
    "attachment_executable_refused": "Le envío la factura.",
    "attachment_html_refused": "Vea la página adjunta.",
    "attachment_svg_refused": "Dibujo del cableado.",
    "attachment_rfc2231_traversal_name": "Adjunto.",
    "header_injection_subject": "Reembolso Bcc: x@evil.example",
    "header_injection_from_name": "Nombre con salto",
}
NOISE = ["auto_submitted_auto_replied", "auto_submitted_auto_generated", "precedence_bulk", "precedence_junk",
         "precedence_list", "list_id_header", "x_autoreply", "x_autorespond", "x_loop",
         "mailer_daemon_sender", "postmaster_sender", "noreply_sender", "bounce_dsn_unknown_original"]
ON_TICKET = {  # replies from María that land on her ticket as a comment (it does not wait for her)
    "reply_in_reply_to_ours": "Olvidé decir que el teléfono tampoco funciona.",
    "reply_references_only": "Sigo sin servicio.",
    "reply_subject_tag_only": "¿Cuándo vendrá el técnico?",
    "reply_to_earlier_inbound": "Agrego: la luz LOS está encendida.",
    "reply_gmail_quoted_es": "Ya reinicié el módem y sigue igual, las luces están en rojo.",
    "reply_outlook_quoted": "Adjunto foto del módem.\n\nSaludos,\nMaría",
    "reply_html_gmail_quote": "Las luces están en rojo.",
}
# Covered in test_mail_workflow.py / test_mail_intake.py / below with their own set-up.
ELSEWHERE = {"new_unknown_sender", "attachment_over_limit", "reply_stranger_subject_tag", "reply_stranger_in_reply_to",
             "reply_details_answer", "reply_confirmation_yes", "reply_confirmation_ambiguous",
             "vacation_reply_threaded", "bounce_dsn_rfc822", "bounce_dsn_headers_only",
             "x_auto_response_suppress"}  # a person's mail all the same: test_mail_customer_experience.py


def test_the_corpus_has_every_case_and_every_file_is_tested():
    files = {p.stem for p in CORPUS.glob("*.eml")}
    assert len(files) >= 40
    assert files == set(NEW_TICKET) | set(NOISE) | set(ON_TICKET) | ELSEWHERE


@pytest.mark.parametrize("case", sorted(NEW_TICKET))
def test_a_new_mail_opens_an_email_complaint_for_the_customer(case):
    row = receive(eml(case))
    assert (row.status, row.outcome) == ("processed", "created")
    [ticket] = tickets()
    assert ticket.id == row.ticket_id
    assert ticket.channel == "email"
    assert ticket.customer.number == "C-1001"  # matched by the sender's address
    assert ticket.contact_email == MARIA
    assert NEW_TICKET[case] in ticket.description
    assert "\n" not in row.subject and "\r" not in row.subject
    [comment] = events(ticket, "customer_email")
    assert comment.public and comment.data["inbound_id"] == row.id
    # The confirmation (number and summary) is queued for the sender.
    [confirmation] = outbox_to(MARIA)
    assert ticket.number in confirmation.subject and ticket.number in confirmation.body
    assert "Resumen:" in confirmation.body


def test_html_becomes_safe_text():
    ticket = db.session.get(Ticket, receive(eml("html_only_xss")).ticket_id)
    body = ticket.description.split("\n\n", 1)[1]  # after the subject, which is kept as text
    for text in (body, events(ticket, "customer_email")[0].message):
        assert text == "Hola\nclic\nFin del reporte"
        assert not any(bad in text for bad in ("<", "onerror", "javascript:", "iframe", "alert"))


@pytest.mark.parametrize("case", NOISE)
def test_automatic_mail_never_makes_a_ticket_nor_gets_an_answer(case):
    row = receive(eml(case, ticket="Q-2026-999999", ourid="outbox-1.Q-2026-999999@atiende.local"))
    assert row.status == "ignored"
    assert tickets() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize("case", sorted(ON_TICKET))
def test_a_reply_from_the_customer_lands_on_her_ticket(case, mailed_ticket):
    first = db.session.scalar(select(InboundMessage).where(InboundMessage.ticket_id == mailed_ticket.id))
    raw = eml(case, ticket=mailed_ticket.number, ourid=our_id(mailed_ticket), theirid=first.message_id)
    row = receive(raw)
    assert (row.status, row.outcome, row.ticket_id) == ("processed", "comment", mailed_ticket.id)
    assert len(tickets()) == 1
    comment = events(mailed_ticket, "customer_email")[-1]
    assert comment.public and comment.message == ON_TICKET[case]  # quoted earlier text trimmed
    assert len(outbox_to(MARIA)) == 1  # no answer to a reply


@pytest.mark.parametrize("case", ["reply_stranger_subject_tag", "reply_stranger_in_reply_to"])
def test_a_stranger_does_not_get_onto_someone_elses_ticket(case, mailed_ticket):
    row = receive(eml(case, ticket=mailed_ticket.number, ourid=our_id(mailed_ticket)))
    assert row.outcome == "created" and row.ticket_id != mailed_ticket.id
    assert len(events(mailed_ticket, "customer_email")) == 1  # only María's own first mail
    new = db.session.get(Ticket, row.ticket_id)
    assert new.customer.number != "C-1001"
    assert [e.data["ticket"] for e in events(new, "thread_refused")] == [mailed_ticket.number]
    assert not events(new, "thread_refused")[0].public


def test_an_unknown_sender_gets_a_ticket_flagged_for_linking():
    row = receive(eml("new_unknown_sender"))
    ticket = db.session.get(Ticket, row.ticket_id)
    assert ticket.customer.email == "pedro.ramirez@correo.example.org"
    assert ticket.customer.name == "Pedro Ramírez"
    provisional = db.session.scalar(select(ProvisionalCustomer))
    assert provisional.customer_id == ticket.customer_id and provisional.linked_at is None
    [flag] = events(ticket, "customer_link_needed")
    assert not flag.public and "pedro.ramirez@correo.example.org" in flag.message
    # He writes again: the same provisional customer, flagged again, no second provisional record.
    again = receive(eml("new_unknown_sender").replace(b"new_unknown_sender@", b"second@"))
    second = db.session.get(Ticket, again.ticket_id)
    assert second.customer_id == ticket.customer_id
    assert db.session.scalar(select(db.func.count(ProvisionalCustomer.id))) == 1
    assert db.session.scalar(select(db.func.count(Customer.id)).where(
        Customer.email == "pedro.ramirez@correo.example.org")) == 1


@pytest.mark.parametrize("case", ["bounce_dsn_rfc822", "bounce_dsn_headers_only"])
def test_a_bounce_becomes_an_internal_note_on_its_ticket(case, mailed_ticket):
    status = mailed_ticket.status
    row = receive(eml(case, ticket=mailed_ticket.number, ourid=our_id(mailed_ticket)))
    assert (row.status, row.outcome, row.ticket_id) == ("processed", "bounce", mailed_ticket.id)
    [note] = events(mailed_ticket, "mail_bounced")
    assert not note.public and "5.1.1" in note.message
    assert db.session.get(Ticket, mailed_ticket.id).status == status  # never reopens
    assert len(tickets()) == 1
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1  # nobody is notified


def test_an_auto_reply_to_our_mail_is_ignored_not_commented(mailed_ticket):
    row = receive(eml("vacation_reply_threaded", ticket=mailed_ticket.number, ourid=our_id(mailed_ticket)))
    assert row.status == "ignored"
    assert len(events(mailed_ticket, "customer_email")) == 1
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_attachments_are_kept_inline_images_too():
    ticket = db.session.get(Ticket, receive(eml("multipart_inline_image_and_pdf")).ticket_id)
    kept = db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)
                              .order_by(Attachment.id)).all()
    assert [(a.original_name, a.content_type, a.source) for a in kept] == [
        ("modem.png", "image/png", "email"), ("recibo.pdf", "application/pdf", "email")]
    comment = events(ticket, "customer_email")[0]
    assert {a.ticket_event_id for a in kept} == {comment.id}


@pytest.mark.parametrize("case", ["attachment_executable_refused", "attachment_html_refused",
                                  "attachment_svg_refused"])
def test_dangerous_attachments_are_refused_and_noted(case):
    ticket = db.session.get(Ticket, receive(eml(case)).ticket_id)
    assert db.session.scalars(select(Attachment)).all() == []
    [note] = events(ticket, "attachment_refused")
    assert not note.public


def test_attachment_names_are_sanitized():
    receive(eml("attachment_rfc2231_traversal_name"))
    [kept] = db.session.scalars(select(Attachment)).all()
    assert kept.original_name == "recibo de pagoñ.pdf"
    assert "/" not in kept.stored_name and kept.stored_name.endswith(".pdf")


def test_an_attachment_over_the_limit_is_not_kept(app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    ticket = db.session.get(Ticket, receive(eml("attachment_over_limit")).ticket_id)
    assert db.session.scalars(select(Attachment)).all() == []
    [note] = events(ticket, "attachment_refused")
    assert "registro.txt" in note.message
