"""In Chromium: a double click on the button that registers a complaint opens one ticket and queues one
confirmation mail, from the staff intake and from the customer area (issue 13)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Ticket
from tests.browser.conftest import read
from tests.browser.test_portal_journey import sign_up_and_in
from tests.browser.test_staff_journey import sign_in

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


def tickets_and_mails() -> tuple[int, int]:
    def counts():
        tickets = db.session.scalar(select(func.count()).select_from(Ticket))
        mails = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.ticket_id.is_not(None)))
        return tickets, mails

    return read(counts)


def test_double_click_on_the_staff_intake_opens_one_ticket(browser, live_server, shot):
    base = live_server
    agent = sign_in(browser, base, "agente")
    agent.goto(f"{base}/staff/intake?customer_number=C-1001")
    agent.get_by_label("¿Cuál es el problema?").fill("Sin internet desde la mañana, el módem parpadea.")
    agent.get_by_role("button", name="Registrar queja").dblclick()
    number = agent.locator("#ticket-number").inner_text()
    agent.goto(f"{base}/staff/tickets/{number}")  # every request of the double click has been answered
    assert tickets_and_mails() == (1, 1)
    agent.go_back()
    agent.go_back()  # Back to the filled form, and send it again: still one ticket
    agent.get_by_role("button", name="Registrar queja").click()
    assert agent.locator("#ticket-number").inner_text() == number
    assert tickets_and_mails() == (1, 1)
    agent.go_back()  # Back again, but another complaint typed over the first: a new ticket
    agent.get_by_label("¿Cuál es el problema?").fill("Otra queja: la factura llegó duplicada este mes.")
    agent.get_by_role("button", name="Registrar queja").click()
    assert agent.locator("#ticket-number").inner_text() != number
    assert tickets_and_mails() == (2, 2)
    shot(agent, "double-click-intake-1280")
    agent.context.close()


def test_double_click_on_the_portal_report_opens_one_ticket(browser, live_server, shot):
    base = live_server
    page = sign_up_and_in(browser, base, "C-1001")
    before = tickets_and_mails()
    page.goto(f"{base}/portal/tickets/new")
    page.locator("#i-category").select_option("sin_servicio")
    page.locator("#i-description").fill("Sin internet desde ayer; el módem parpadea en rojo.")
    page.get_by_role("button", name="Enviar el reporte").dblclick()
    number = page.locator("#new-number").inner_text()
    page.goto(f"{base}/portal/tickets/{number}")
    assert tickets_and_mails() == (before[0] + 1, before[1] + 1)
    shot(page, "double-click-portal-1280")
    page.context.close()
