"""The staff follow-up screen: from "Atender llamada" to the earlier ticket (by number, customer number,
phone or name), the analysis, the one question, the words and the action; the ticket page's answer panel;
a typified subject reported in person by a non-customer."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import FollowUp, Ticket, TicketEvent
from tests.services.followups.conftest import START, answered_complaint, classified_complaint


def page_text(response) -> str:
    return html.unescape(response.get_data(True))


def test_find_the_earlier_ticket_by_number_customer_phone_or_name(staff):
    clock.freeze(START)
    ticket = classified_complaint("C-1002")
    agent = staff("agente")
    assert "¿Llama por un requerimiento anterior?" in page_text(agent.get("/staff/intake"))
    for text in (ticket.number, "C-1002", "4491000002", "Juan"):
        found = page_text(agent.get("/staff/followups", query_string={"q": text}))
        assert ticket.number in found, text


def test_the_agent_handles_an_overdue_ticket_and_reads_back_the_follow_up(staff):
    clock.freeze(START)
    ticket = classified_complaint("C-1002")
    clock.freeze(ticket.response_due_at + timedelta(hours=1))
    agent = staff("agente")
    page = page_text(agent.get(f"/staff/followups/{ticket.number}"))
    assert "Vencida" in page and "Resultado: hacer ticket por respuesta fuera de plazo." in page
    done = page_text(agent.post(f"/staff/followups/{ticket.number}",
                                {"disagrees": "no", "channel": "phone", "comment": "Sigue sin respuesta."},
                                expect=200))
    followup = db.session.scalar(select(FollowUp)).ticket
    assert followup.number in done and "Registramos su insistencia" in done
    panel = page_text(agent.get(f"/staff/tickets/{ticket.number}"))
    assert "Respuesta e insistencias" in panel and followup.number in panel


def test_the_disagreement_question_changes_the_result_and_bad_input_is_kept(staff):
    clock.freeze(START)
    ticket = answered_complaint("C-1002")
    agent = staff("agente")
    assert "Cambiamos su perfil" in page_text(agent.get(f"/staff/followups/{ticket.number}"))
    page = page_text(agent.get(f"/staff/followups/{ticket.number}", query_string={"disagrees": "yes"}))
    assert "inconformidad en la respuesta" in page
    refused = page_text(agent.post(f"/staff/followups/{ticket.number}",
                                   {"disagrees": "yes", "channel": "fax", "comment": "No estoy de acuerdo"},
                                   expect=422))
    assert "No estoy de acuerdo" in refused and "Valor no permitido" in refused
    assert db.session.scalar(select(FollowUp)) is None


def test_staff_reply_marked_as_the_answer_on_the_ticket_page(staff):
    clock.freeze(START)
    ticket = classified_complaint("C-1001")
    tech = staff("supervisor")
    tech.post(f"/staff/tickets/{ticket.number}/reply", {"text": "Su módem fue reemplazado."})
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.kind == "staff_reply"))
    tech.post(f"/staff/tickets/{ticket.number}/answers", {"event_id": str(event.id)})
    page = page_text(tech.get(f"/staff/tickets/{ticket.number}"))
    assert "Esta respuesta es la respuesta del ticket" in page and "Sofía Supervisora" in page


def test_a_non_customer_reports_gestion_de_cobranza_in_person(staff):
    agent = staff("agente")
    form = page_text(agent.get("/staff/followups/report", query_string={"subject": "gestion_cobranza"}))
    assert "se registra como correo electrónico" in form
    response = agent.post("/staff/followups/report", {
        "subject": "gestion_cobranza", "channel": "in_person", "customer_number": "",
        "d_nombre": "Rosa Núñez", "d_telefono": "4497778899", "d_email": "",
        "d_descripcion": "Me llegan cobros de otra persona."})
    number = response.location.rsplit("/", 1)[-1]
    assert number in page_text(agent.get(response.location))
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert ticket.channel == "email" and ticket.customer.service_line is None


def test_a_follow_up_call_sent_twice_with_one_form_token_is_filed_once_and_answers_the_same_page(staff):
    clock.freeze(START)
    ticket = classified_complaint("C-1002")
    clock.freeze(ticket.response_due_at + timedelta(hours=1))
    agent = staff("agente")
    form = {"disagrees": "no", "channel": "phone", "comment": "Sigue sin respuesta.", "form_token": "fu-1"}
    first = page_text(agent.post(f"/staff/followups/{ticket.number}", form, expect=200))
    again = page_text(agent.post(f"/staff/followups/{ticket.number}", form, expect=200))
    [followup] = db.session.scalars(select(FollowUp)).all()
    assert followup.ticket.number in first and followup.ticket.number in again
