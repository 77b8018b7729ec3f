"""The customer's side of the conversation: the question next to the answer box, her answer with files in
her timeline, messages at any time on an open ticket, and a timeline that speaks to her."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, Ticket
from app.services.cases import message_service, task_service
from tests.conftest import user
from tests.portal.helpers import ready_task, request_details, to_confirmation, validate
from tests.portal.test_portal_tickets import new_complaint, only_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_question_is_next_to_the_box_and_the_answer_joins_the_conversation(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    request_details(ticket, "¿Qué luces tiene el módem?")
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    box = page[page.index('id="write"'):page.index('id="message-form"')]
    assert "¿Qué luces tiene el módem?" in box and "le pregunta" in box
    c.post(f"/portal/tickets/{ticket.number}/messages",
           {"text": "Luz roja fija", "attachments": [(io.BytesIO(PNG), "modem.png")]},
           content_type="multipart/form-data", expect=303)
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    history = page[page.index('id="live-events"'):]
    assert history.index("¿Qué luces tiene el módem?") < history.index("Luz roja fija")
    assert "Usted escribió" in history
    link = re.search(r'href="(/portal/tickets/[^"]+/attachments/\d+)">modem.png', history).group(1)
    assert c.get(link).data == PNG
    assert 'data-waiting' not in page  # answered: the box is for messages again


def test_she_writes_at_any_time_without_moving_the_process(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "Escríbanos" in page
    c.post(f"/portal/tickets/{ticket.number}/messages", {"text": "Ya reinicié el módem"}, expect=303)
    assert ready_task(ticket, "diagnostico") is not None
    state = c.get(f"/portal/tickets/{ticket.number}/state").json
    mine = [e for e in state["events"] if e["message"] == "Ya reinicié el módem"]
    assert mine and mine[0]["mine"] and mine[0]["title"] == "Usted escribió"
    page = c.post(f"/portal/tickets/{ticket.number}/messages", {"text": ""}, expect=422).get_data(True)
    assert "Escriba un mensaje o adjunte un archivo." in page


def test_a_refused_file_keeps_the_text_and_records_nothing(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    page = c.post(f"/portal/tickets/{ticket.number}/messages",
                  {"text": "Adjunto el programa", "attachments": [(io.BytesIO(b"MZ\x90\x00"), "x.exe")]},
                  content_type="multipart/form-data", expect=422).get_data(True)
    assert "Adjunto el programa</textarea>" in page
    assert not [e for e in db.session.get(Ticket, ticket.id).events if e.kind == "customer_message"]


def test_the_timeline_speaks_to_the_customer(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    message_service.post_on_behalf(ticket.number, "Lo llamé y dice que sigue igual", user("agente"))
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    history = page[page.index('id="live-events"'):page.index('id="facts-title"')]
    assert "Estado:" not in history and "→" not in history
    assert "Un técnico ya está revisando su reporte." in history
    assert "Asignada a un técnico" in history  # the status's customer wording (processes/kinds)
    assert "Usted (registrado por Ana Agente por teléfono)" in history
    assert "Asignado al equipo" not in history  # internal lines stay internal


def test_a_closed_ticket_takes_no_more_messages(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = only_ticket()
    task = ready_task(ticket, "validar_reporte")
    task_service.complete_task(task.id, {"valid": False, "rejection_reason": "No es de nuestra red"}, user("agente"))
    assert db.session.scalar(select(Ticket.status).where(Ticket.id == ticket.id)) == "rejected"
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert 'id="message-form"' not in page
    c.post(f"/portal/tickets/{ticket.number}/messages", {"text": "¿Por qué?"}, expect=422)


def test_before_confirming_she_reads_what_was_done_and_after_the_survey_she_is_thanked(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = to_confirmation(validate(only_ticket()))
    confirm = ready_task(ticket, "confirmar_resolucion")
    page = c.get(f"/portal/tickets/{ticket.number}/tasks/{confirm.id}").get_data(True)
    start = page.index('id="instructions"')
    told = page[start:page.index("</blockquote>", start)]
    assert "Lo que hizo nuestro técnico, a distancia: Reconfiguración del módem" in told
    assert "Pruebas de funcionamiento: Navegación correcta" in told
    history = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "Nuestro técnico corrigió la falla a distancia: Reconfiguración del módem" in history
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
                              .order_by(OutboxMessage.id)).all()[-1]
    assert "Reconfiguración del módem" in mail.body

    c.post(f"/portal/tickets/{ticket.number}/tasks/{confirm.id}", {"solved": "true"})
    survey = ready_task(ticket, "encuesta_satisfaccion")
    done = c.post(f"/portal/tickets/{ticket.number}/tasks/{survey.id}", {"score": "4"})
    assert done.headers["Location"].endswith(f"/portal/tickets/{ticket.number}/thanks")
    page = c.get(f"/portal/tickets/{ticket.number}/thanks").get_data(True)
    assert "Gracias por su opinión" in page and "con 4 de 5" in page
    closing = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
                                 .order_by(OutboxMessage.id)).all()[-1]
    assert "Gracias también por responder nuestra encuesta" in closing.body and "4 de 5" in closing.body


def test_a_double_click_sends_one_message(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    for _ in range(2):
        c.post(f"/portal/tickets/{ticket.number}/messages", {"text": "Una sola vez", "form_token": token}, expect=303)
    assert [e.message for e in db.session.get(Ticket, ticket.id).events if e.kind == "customer_message"] \
        == ["Una sola vez"]
