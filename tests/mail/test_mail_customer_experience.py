"""Issue 13, "mail the customer receives": what arrives at the real SMTP test server, and what intake
does with mail that is ours, asks for no answer, is mislabelled, long, unreadable or an endless loop."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import OutboxMessage, Ticket
from app.models.mail import InboundMessage
from app.services.mail import mail_intake_service, outbox_service
from tests.mail.conftest import ask_for_details, eml, events, outbox_to, receive, tickets, validate
from tests.staff.conftest import Staff

MARIA = "maria.lopez@example.com"
PORTAL = "https://clientes.net1.mx"


@pytest.fixture(autouse=True)
def _public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", PORTAL)


def deliver(smtp) -> list:
    """Send what is due; the mails that arrived, oldest first."""
    before = len(smtp.inbox.messages)
    outbox_service.deliver_due()
    return smtp.inbox.messages[before:]


def body(mail) -> str:
    return mail.get_content()


def a_mail(sender: str, subject: str, text: str, *headers: str, mid: str | None = None,
           charset: str = "utf-8") -> bytes:
    head = [f"From: {sender}", "To: soporte@net1.mx", "Date: Fri, 04 Dec 2026 10:00:00 -0600",
            f"Subject: {subject}", f"Content-Type: text/plain; charset={charset}",
            "Content-Transfer-Encoding: 8bit", *headers]
    if mid:
        head.append(f"Message-ID: <{mid}>")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + text.encode(charset if charset != "iso-8859-1" else "cp1252")


# --- what the customer reads -----------------------------------------------------------------------------

def test_the_confirmation_footer_gives_the_support_address_and_links_to_the_area_de_cliente(smtp, mailed_ticket):
    [confirmation] = deliver(smtp)
    text = body(confirmation)
    assert "soporte@net1.mx" in text and "suporte" not in text
    assert f"Área de cliente: {PORTAL}/portal/" in text
    assert f"{PORTAL}/portal/tickets/{mailed_ticket.number}" in text
    assert "net1.mx/ ·" not in text  # "Portal:" no longer points at the company's site
    assert text.startswith("Estimado(a) María López:")


def test_the_support_address_is_configurable(app, smtp, mailed_ticket, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPORT_EMAIL", "ayuda@net1.mx")
    [confirmation] = deliver(smtp)  # rendered when queued: the old address
    receive(eml("new_known_customer_plain").replace(b"new_known_customer_plain@", b"other@"))
    [second] = deliver(smtp)
    assert "Correo: ayuda@net1.mx" in body(second) and "ayuda@" not in body(confirmation)


def test_a_provisional_customer_is_greeted_by_name_or_neutrally_never_by_address(smtp):
    receive(a_mail("pedro@correo.example.org", "Sin servicio", "No tengo internet.", mid="p1@x"))
    receive(a_mail("Lucía Gómez <lucia@correo.example.org>", "Sin servicio", "No tengo internet.", mid="l1@x"))
    to_pedro, to_lucia = sorted(deliver(smtp), key=lambda m: str(m["To"]), reverse=True)
    assert body(to_pedro).startswith("Estimado(a) cliente:")
    assert "Estimado(a) pedro@" not in body(to_pedro)
    assert body(to_lucia).startswith("Estimado(a) Lucía Gómez:")


def test_the_confirmation_threads_under_the_customers_mail_as_an_auto_reply_in_our_domain(smtp, mailed_ticket):
    [confirmation] = deliver(smtp)
    assert confirmation["In-Reply-To"] == "<new_known_customer_plain@cliente.example.com>"
    assert confirmation["References"] == "<new_known_customer_plain@cliente.example.com>"
    assert confirmation["Auto-Submitted"] == "auto-replied"
    assert confirmation["Message-ID"].endswith(f".{mailed_ticket.number}@net1.mx>")


def test_the_message_id_domain_is_configurable_and_replies_to_it_still_thread(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MESSAGE_ID_DOMAIN", "correo.net1.mx")
    ticket = db.session.get(Ticket, receive(eml("new_known_customer_plain")).ticket_id)
    [confirmation] = deliver(smtp)
    ours = confirmation["Message-ID"]
    assert ours.endswith("@correo.net1.mx>")
    row = receive(eml("reply_in_reply_to_ours", ourid=ours.strip("<>")))
    assert (row.outcome, row.ticket_id) == ("comment", ticket.id)


def test_validation_sends_one_status_mail_marked_auto_generated(smtp, mailed_ticket):
    deliver(smtp)
    ticket = validate(mailed_ticket)
    [update] = [m for m in deliver(smtp) if m["To"] == MARIA]  # validated, assigned and in diagnosis: one mail
    assert update["Auto-Submitted"] == "auto-generated"
    text = body(update)
    assert "Fecha estimada de resolución" in text  # the confirmation of the validation leads
    assert "«En diagnóstico»" in text  # the later changes of the same request follow
    assert ticket.number in update["Subject"]
    assert len(outbox_to(MARIA)) == 2


def test_the_request_for_details_links_to_the_ticket_in_the_area_de_cliente(smtp, mailed_ticket):
    deliver(smtp)
    ticket = ask_for_details(mailed_ticket)
    request = [m for m in deliver(smtp) if "Necesitamos más información" in str(m["Subject"])]
    assert request and f"{PORTAL}/portal/tickets/{ticket.number}" in body(request[0])


def test_a_persons_second_complaint_within_24_hours_gets_its_own_confirmation(smtp):
    first = receive(eml("new_known_customer_plain"))
    clock.advance(timedelta(hours=2))
    second = receive(eml("new_known_customer_plain").replace(b"new_known_customer_plain@", b"second@"))
    numbers = {db.session.get(Ticket, r.ticket_id).number for r in (first, second)}
    arrived = deliver(smtp)
    assert len(arrived) == 2
    assert {n for n in numbers for m in arrived if n in str(m["Subject"])} == numbers


# --- what intake does with unusual mail ------------------------------------------------------------------

@pytest.mark.parametrize("sender", ["soporte@net1.mx", "Soporte <SOPORTE@net1.mx>"])
def test_mail_from_our_own_address_is_ignored_and_never_answered(smtp, sender):
    row = receive(a_mail(sender, "Sin internet", "Reenvío del cliente.", mid="own@net1.mx"))
    assert (row.status, row.outcome) == ("ignored", "own_address")
    assert tickets() == [] and deliver(smtp) == []


@pytest.mark.parametrize("case", ["x_auto_response_suppress", "return_path_null"])
def test_a_persons_mail_that_asks_for_no_answer_is_read_but_never_answered(smtp, case):
    raw = (eml(case) if case == "x_auto_response_suppress" else
           a_mail("Lucía <lucia@correo.example.org>", "Sin servicio", "No tengo internet.", "Return-Path: <>",
                  mid="rp@x"))
    row = receive(raw)
    assert (row.status, row.outcome) == ("processed", "created")
    ticket = db.session.get(Ticket, row.ticket_id)
    assert events(ticket, "customer_email")
    [confirmation] = [m for m in outbox_to(ticket.contact_email)]
    assert confirmation.status == "suppressed"
    assert deliver(smtp) == []


def test_cp1252_characters_in_mail_labelled_iso_8859_1_are_kept(smtp):
    text = "El módem dice “sin señal” … cobran 300 € — ¿por qué?"
    row = receive(a_mail("lucia@correo.example.org", "Cobro", text, mid="cp@x", charset="iso-8859-1"))
    comment = events(db.session.get(Ticket, row.ticket_id), "customer_email")[0]
    assert text in comment.message


def test_a_long_mail_is_cut_with_a_visible_mark_and_the_raw_mail_keeps_it_all(smtp):
    text = "Inicio del reporte. " + "x" * 30000 + " FINAL"
    row = receive(a_mail("lucia@correo.example.org", "Largo", text, mid="long@x"))
    ticket = db.session.get(Ticket, row.ticket_id)
    comment = events(ticket, "customer_email")[0].message
    assert comment.startswith("Inicio del reporte.") and "FINAL" not in comment
    assert "correo original" in comment.splitlines()[-1]
    assert "correo original" in ticket.description.splitlines()[-1]
    assert b"FINAL" in db.session.get(InboundMessage, row.id).raw


def test_different_unreadable_inputs_without_headers_are_each_kept():
    rows = [receive(b"\x00\xff garbage one"), receive(b"\x00\xff garbage two"), receive(b"\x00\xff garbage one")]
    assert rows[0].id != rows[1].id  # never the "duplicate" of another unreadable input
    assert rows[2].id == rows[0].id  # the same bytes twice are one input
    assert db.session.scalar(select(db.func.count()).select_from(InboundMessage)) == 2


def test_an_unthreaded_auto_responder_opens_at_most_the_hourly_limit_of_tickets(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_NEW_TICKETS_PER_HOUR", 2)
    robot = "respuestas@empresa.example.com"
    rows = [receive(a_mail(robot, f"Recibido {n}", "Gracias por escribir.", mid=f"r{n}@x")) for n in range(5)]
    assert len(tickets()) == 2
    assert [r.outcome for r in rows] == ["created", "created", "rate_limited", "rate_limited", "rate_limited"]
    latest = tickets()[-1]
    assert {r.ticket_id for r in rows[2:]} == {latest.id}
    assert len(deliver(smtp)) == 2  # the two confirmations, nothing for the rest
    listed = Staff(app, "supervisor").get("/staff/mail").get_data(as_text=True)
    assert all(f"/staff/mail/{r.id}" in listed for r in rows[2:]) and f"/staff/mail/{rows[0].id}\"" not in listed
    assert "Demasiados tickets nuevos de este remitente en una hora" in listed
    clock.advance(timedelta(hours=1, minutes=1))
    assert receive(a_mail(robot, "Recibido 6", "Gracias.", mid="r6@x")).outcome == "created"


def test_over_the_limit_with_no_open_ticket_the_mail_is_held_for_staff(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_NEW_TICKETS_PER_HOUR", 1)
    robot = "respuestas@empresa.example.com"
    first = receive(a_mail(robot, "Recibido", "Gracias.", mid="h1@x"))
    ticket = db.session.get(Ticket, first.ticket_id)
    ticket.status = "closed"
    db.session.commit()
    held = receive(a_mail(robot, "Recibido 2", "Gracias.", mid="h2@x"))
    assert (held.status, held.outcome, held.ticket_id) == ("held", "rate_limited", None)


# --- mail that crashed mid-processing --------------------------------------------------------------------

def _crash_once(monkeypatch):
    from app.services.cases import ticket_service
    real = ticket_service.open_complaint

    def crash(**kw):
        monkeypatch.setattr(ticket_service, "open_complaint", real)
        raise RuntimeError("worker died")

    monkeypatch.setattr(ticket_service, "open_complaint", crash)


def test_a_redelivery_finishes_a_mail_whose_processing_crashed(monkeypatch):
    _crash_once(monkeypatch)
    raw = eml("new_known_customer_plain")
    assert receive(raw).status == "failed"
    again = receive(raw)
    assert (again.status, again.outcome) == ("processed", "created")
    assert len(tickets()) == 1


def test_the_worker_sweep_processes_stuck_and_failed_inbound_mail(app, smtp, monkeypatch):
    from app import worker
    stuck_id, _new = mail_intake_service.store_raw(eml("new_known_customer_plain"), transport="imap")  # crash
    _crash_once(monkeypatch)
    failed = receive(eml("new_known_customer_plain").replace(b"new_known_customer_plain@", b"b@"))
    assert failed.status == "failed"
    _fired, delivered = worker.sweep(app)
    db.session.rollback()  # end this session's read snapshot: the sweep committed in its own
    assert {db.session.get(InboundMessage, i).status for i in (stuck_id, failed.id)} == {"processed"}
    assert delivered["sent"] == 2  # both confirmations went out in the same pass
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == "sent")) == 2


# --- the estimated resolution date, at intake ------------------------------------------------------------

def test_the_confirmation_gives_the_estimated_resolution_date_computed_at_intake(smtp, mailed_ticket):
    from app.i18n import format_datetime
    from app.services.sla.deadlines import add_business_time
    # A mail carries no priority: the SLA table's catch-all row (36 business hours of the office calendar).
    expected = add_business_time(mailed_ticket.reported_at, 36, "horario_comercial")
    assert mailed_ticket.estimated_resolution_at == expected and mailed_ticket.sla_due_at is None
    [confirmation] = deliver(smtp)
    assert f"Fecha estimada de resolución: {format_datetime(expected, 'medium')}" in body(confirmation)


def test_the_estimate_follows_the_reported_priority(smtp):
    from app.services.cases import ticket_service
    from tests.conftest import user
    ticket = ticket_service.open_complaint(channel="phone", description="Sin servicio en toda la colonia",
                                           actor=user("agente"), customer_number="C-1001", priority="alta")
    assert ticket.estimated_resolution_at == ticket.reported_at + timedelta(hours=8)  # alta: 8 h, 24x7
    [confirmation] = deliver(smtp)
    assert "Fecha estimada de resolución" in body(confirmation)


def test_links_made_by_the_worker_without_portal_base_url_use_the_public_trusted_host(app, monkeypatch):
    from app import brand
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["127.0.0.1", "mesa.net1.mx"])
    assert brand.ticket_url("Q-2026-000001") == "https://mesa.net1.mx/portal/tickets/Q-2026-000001"
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["127.0.0.1", "localhost"])
    assert brand.portal_url() == "http://127.0.0.1:5000/portal/"
