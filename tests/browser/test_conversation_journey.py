"""The conversation in real headless Chromium: the technician asks, the customer sees the question next to
the answer box and answers with a file, both timelines show question and answer; then the customer writes
unasked and the technician sees it. Screenshots at 1280 and 360 px land in tests/artifacts/."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, Ticket
from app.services.cases import ticket_service
from tests.browser.conftest import read
from tests.browser.test_portal_journey import sign_up_and_in
from tests.browser.test_staff_journey import WIDE, phone_shot, ready, sign_in
from tests.portal.helpers import validate
from tests.portal.test_portal_tickets import PNG

pytestmark = pytest.mark.usefixtures("no_portal_accounts")

QUESTION = "¿Qué luces ve encendidas en el módem? Si puede, mándenos una foto."


def open_and_validate() -> tuple[str, str]:
    ticket = ticket_service.open_complaint(channel="portal", description="Sin internet desde anoche",
                                           actor=None, customer_number="C-1001")
    validate(ticket)
    return ticket.number, db.session.get(Ticket, ticket.id).assignee.username


def test_question_answer_and_unasked_message(browser, live_server, shot):
    base = live_server
    number, holder = read(open_and_validate)

    technician = sign_in(browser, base, holder)
    technician.goto(f"{base}/staff/tasks/{read(lambda: ready(number, 'diagnostico').id)}")
    technician.locator("textarea#f-diagnosis").fill("Posible falla de la ONT")
    technician.get_by_label("Solicitar más datos al cliente").check()
    technician.get_by_label("Pregunta para el cliente").fill(QUESTION)
    technician.get_by_role("button", name="Completar tarea").click()
    technician.wait_for_url(f"{base}/staff/tickets/{number}")

    customer = sign_up_and_in(browser, base, "C-1001")
    customer.goto(f"{base}/portal/tickets/{number}")
    box = customer.locator("#write")
    assert QUESTION in box.locator("#question").inner_text()
    assert box.get_by_label("Su respuesta").is_visible()
    shot(customer, "talk-01-question-next-to-the-box-1280")
    phone_shot(customer, shot, "talk-01-question-next-to-the-box-360")
    customer.set_viewport_size(WIDE)
    box.get_by_label("Su respuesta").fill("Solo la luz de encendido; la de internet está apagada.")
    box.get_by_label("Archivos (opcional)").set_input_files(
        [{"name": "luces.png", "mimeType": "image/png", "buffer": PNG}])
    box.get_by_role("button", name="Enviar la respuesta").click()
    customer.wait_for_url(f"{base}/portal/tickets/{number}#conversation")
    assert "Enviamos su mensaje" in customer.locator(".flashes").inner_text()
    history = customer.locator("#live-events")
    text = history.inner_text()
    assert text.index(QUESTION) < text.index("Solo la luz de encendido")
    assert history.get_by_role("link", name="luces.png").is_visible()
    assert "Estado:" not in text  # the customer's timeline speaks to her
    shot(customer, "talk-02-conversation-customer-1280")

    technician.goto(f"{base}/staff/tickets/{number}")
    timeline = technician.locator("#timeline")
    text = timeline.inner_text()
    assert text.index(QUESTION) < text.index("Solo la luz de encendido")
    assert "Respuesta a la pregunta" in text
    assert timeline.get_by_role("link", name="luces.png").is_visible()
    shot(technician, "talk-03-conversation-staff-1280")

    # Unasked: the customer writes again; the technician is told and sees it on the ticket.
    customer.goto(f"{base}/portal/tickets/{number}")
    customer.get_by_label("Su mensaje").fill("Ya reinicié el módem dos veces y sigue igual.")
    customer.get_by_role("button", name="Enviar", exact=True).click()
    customer.wait_for_url(f"{base}/portal/tickets/{number}#conversation")
    phone_shot(customer, shot, "talk-04-unasked-customer-360")
    assert read(lambda: db.session.scalar(select(Notification.message).join(Ticket, Ticket.id == Notification.ticket_id)
                                          .where(Ticket.number == number, Notification.kind == "customer_replied")
                                          .order_by(Notification.id.desc()).limit(1))) \
        == f"El cliente escribió en el ticket {number}."
    technician.reload()
    assert "Ya reinicié el módem dos veces y sigue igual." in technician.locator("#timeline").inner_text()
    phone_shot(technician, shot, "talk-05-unasked-staff-360")
    customer.context.close()
    technician.context.close()
