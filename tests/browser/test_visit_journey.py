"""The on-site visit in real headless Chromium: the customer picks a free slot in her área de cliente, moves it
once (the second time the page tells her to call), and the field technician reads the date and the service
address on his task. Screenshots at 1280 and 360 px land in tests/artifacts/."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Ticket, Visit
from app.services.cases import task_service
from tests.browser.conftest import read
from tests.browser.test_portal_journey import report, sign_up_and_in
from tests.browser.test_staff_journey import phone_shot, ready, sign_in
from tests.portal.helpers import validate

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


def needs_visit(number: str) -> None:
    """Staff steps, through the services: validated, and the technician decides on a visit."""
    def steps():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        validate(ticket, category="equipo")
        diagnosis = ready(number, "diagnostico")
        task_service.complete_task(diagnosis.id, {"diagnosis": "Fuente del módem dañada", "outcome": "visita"},
                                   diagnosis.assignee)
    read(steps)


def booked(number: str) -> tuple[str, str]:
    return read(lambda: db.session.execute(select(Visit.day, Visit.window).join(Ticket).where(
        Ticket.number == number, Visit.status == "scheduled")).one())


def test_customer_picks_and_moves_the_visit_and_the_technician_reads_it(browser, live_server, shot):
    base = live_server
    page = sign_up_and_in(browser, base, "C-1001")
    report(page, base, "El módem no enciende desde la tormenta de anoche.")
    number = page.locator("#new-number").inner_text()
    needs_visit(number)

    page.goto(f"{base}/portal/tickets/{number}")
    page.get_by_role("link", name="Elegir fecha de la visita").click()
    slots = page.locator('input[name="visit_slot"]')
    assert slots.count() > 3
    first, second = slots.nth(0).get_attribute("value"), slots.nth(1).get_attribute("value")
    shot(page, "visit-01-choose-1280")
    slots.nth(0).check()
    page.get_by_role("button", name="Enviar").click()
    page.wait_for_url(f"{base}/portal/tickets/{number}?done=1")
    day, window = booked(number)
    assert f"{day.isoformat()} {window}" == first
    assert window.replace("-", " a ") in page.locator("#visit-when").inner_text()

    page.get_by_role("link", name="Cambiar la fecha").click()
    page.locator(f'input[name="visit_slot"][value="{second}"]').check()
    phone_shot(page, shot, "visit-02-move-360")
    page.get_by_role("button", name="Cambiar la fecha").click()
    page.wait_for_url(f"{base}/portal/tickets/{number}")
    assert "la visita tiene una nueva fecha" in page.locator(".flashes").inner_text()
    day, window = booked(number)
    assert f"{day.isoformat()} {window}" == second
    when = page.locator("#visit-when").inner_text()
    assert page.get_by_role("link", name="Cambiar la fecha").count() == 0  # once only
    assert "llámenos al 449 142 0327" in page.locator("#reschedule-refusal").inner_text()
    phone_shot(page, shot, "visit-03-moved-360")
    page.context.close()

    technician = sign_in(browser, base, "campo1")
    onsite = ready(number, "visita_in_situ")
    technician.goto(f"{base}/staff/tasks/{onsite.id}")
    assert technician.locator("#visit-when").inner_text() == when
    address = read(lambda: db.session.scalar(select(Ticket.service_address).where(Ticket.number == number)))
    assert address and technician.locator("#service-address").inner_text() == address
    shot(technician, "visit-04-technician-1280")
    technician.context.close()
