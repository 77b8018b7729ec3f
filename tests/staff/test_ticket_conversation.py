"""The conversation on the staff ticket page: the technician's question, the customer's answer with its
files, messages she writes unasked (the assignee is told) and what she said by phone, recorded in her name."""
import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, OutboxMessage, Ticket, TicketEvent
from app.services.cases import portal_service, task_service
from tests.conftest import user
from tests.staff.conftest import open_complaint, ready_task, validate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ask(ticket, question="¿Qué luces ve encendidas en el módem?"):
    task_service.complete_task(ready_task(ticket, "diagnostico").id,
                               {"diagnosis": "Revisar módem", "outcome": "solicitar_datos", "question": question},
                               user(db.session.get(Ticket, ticket.id).assignee.username))


def test_question_and_answer_with_a_file_read_as_a_conversation(staff):
    ticket = open_complaint()
    validate(ticket)
    ask(ticket)
    tech = db.session.get(Ticket, ticket.id).assignee
    question = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                           TicketEvent.kind == "question"))
    assert question.public and question.actor_id == tech.id
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
                              .order_by(OutboxMessage.id)).all()[-1]
    assert "¿Qué luces ve encendidas en el módem?" in mail.body  # the question goes in its mail too

    portal_service.write_message(ticket.customer_id, ticket.number, "Solo la de encendido", [("luces.png", PNG)])
    assert db.session.get(Ticket, ticket.id).status == "diagnosing"
    assert "Solo la de encendido" in ready_task(ticket, "diagnostico").instructions

    page = staff("supervisor").get(f"/staff/tickets/{ticket.number}").get_data(True)
    asked = page.index("¿Qué luces ve encendidas en el módem?")
    answered = page.index("Solo la de encendido")
    assert asked < answered
    assert "Pregunta al cliente" in page and "Respuesta a la pregunta" in page
    assert re.search(r'href="/staff/tickets/[^"]+/attachments/\d+">luces.png', page[answered:])
    # The status line does not repeat the question: it is said once, as the question.
    assert page.count("¿Qué luces ve encendidas en el módem?") == 1


def test_an_unasked_message_notifies_the_assignee_and_the_process_stays(staff):
    ticket = open_complaint()
    validate(ticket)
    tech = db.session.get(Ticket, ticket.id).assignee
    portal_service.write_message(ticket.customer_id, ticket.number, "Ahora también falla el teléfono", [])
    assert ready_task(ticket, "diagnostico") is not None
    told = db.session.scalars(select(Notification).where(Notification.user_id == tech.id,
                                                         Notification.ticket_id == ticket.id)).all()
    assert any(n.message == f"El cliente escribió en el ticket {ticket.number}." for n in told)
    page = staff(tech.username).get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "Ahora también falla el teléfono" in page and "María López (cliente)" in page


def test_staff_record_the_phone_answer_in_her_name_and_it_answers_the_question(staff):
    ticket = open_complaint()
    validate(ticket)
    ask(ticket)
    agent = staff("agente")
    agent.post(f"/staff/tickets/{ticket.number}/customer-messages",
               {"text": "Dice que parpadea la luz DSL", "attachments": (io.BytesIO(PNG), "foto.png")},
               content_type="multipart/form-data", expect=303)
    assert db.session.get(Ticket, ticket.id).status == "diagnosing"  # the question's wait is over
    page = agent.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "María López, registrado por Ana Agente por teléfono" in page
    assert "foto.png" in page
    customer_page = portal_service.ticket_view(ticket.customer_id, ticket.number)
    line = [e for e in customer_page.events if e.text == "Dice que parpadea la luz DSL"][0]
    assert line.title == "Usted (registrado por Ana Agente por teléfono)" and line.mine
    assert [a.original_name for a in line.attachments] == ["foto.png"]


def test_nothing_to_record_is_refused_and_nothing_is_kept(staff):
    ticket = open_complaint()
    before = db.session.scalar(select(db.func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id))
    agent = staff("agente")
    page = agent.post(f"/staff/tickets/{ticket.number}/customer-messages", {"text": "  "}, expect=422).get_data(True)
    assert "Escriba un mensaje o adjunte un archivo." in page
    page = agent.post(f"/staff/tickets/{ticket.number}/customer-messages",
                      {"text": "Mandó el contrato", "attachments": (io.BytesIO(b"MZ\x90\x00"), "contrato.exe")},
                      content_type="multipart/form-data", expect=422).get_data(True)
    assert "Mandó el contrato</textarea>" in page and "contrato.exe" in page  # what was typed is kept
    assert db.session.scalar(select(db.func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id)) == before


def test_a_double_click_records_the_phone_message_once(staff):
    ticket = open_complaint()
    agent = staff("agente")
    page = agent.get(f"/staff/tickets/{ticket.number}").get_data(True)
    form = page[page.index('id="phone-form"'):]
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    for _ in range(2):
        agent.post(f"/staff/tickets/{ticket.number}/customer-messages", {"text": "Llamó otra vez", "form_token": token},
                   expect=303)
    assert [e.message for e in db.session.get(Ticket, ticket.id).events if e.kind == "customer_message"] \
        == ["Llamó otra vez"]
