"""Staff find a closed ticket in Chromium: the history's search typed without accents ("lopez maria") finds
María López's closed complaint, which opens on its page with the closing report and a drawable diagram."""
from __future__ import annotations

from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import Ticket
from app.services.cases import ticket_service
from tests.browser.test_staff_journey import sign_in
from tests.conftest import user


def test_a_closed_ticket_is_found_by_an_unaccented_name_and_opened(browser, live_server, shot):
    closed = ticket_service.open_complaint(channel="phone", description="Sin internet desde la tormenta",
                                           actor=user("agente"), customer_number="C-1001", priority="alta")
    other = ticket_service.open_complaint(channel="phone", description="Lento en la noche", actor=user("agente"),
                                          customer_number="C-1002", priority="media")
    db.session.execute(update(Ticket).where(Ticket.id == closed.id).values(
        status="closed", closed_at=clock.now(), report={"solution": "Cambio de módem"}, survey_score=5))
    db.session.commit()
    number, other_number = closed.number, other.number
    db.session.rollback()

    page = sign_in(browser, live_server, "supervisor")
    page.get_by_role("link", name="Histórico de tickets").click()
    page.get_by_label("Texto a buscar", exact=True).fill("lopez maria")
    page.get_by_label("Abiertos o cerrados").select_option("closed")
    page.get_by_role("button", name="Buscar", exact=True).click()
    assert page.locator("p.count").inner_text() == "1 ticket"
    rows = page.locator("table.tickets tbody tr")
    assert rows.count() == 1 and other_number not in page.inner_text("table.tickets")
    assert "Cerrada" in rows.first.inner_text() and "María López" in rows.first.inner_text()
    shot(page, "history-found-1280")
    rows.first.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/staff/tickets/{number}")
    assert "Cambio de módem" in page.inner_text("#closing")
    assert "Calificación 5 de 5" in page.inner_text("#closing")
    page.locator(".bpmn.drawn").first.wait_for()
    page.get_by_role("button", name="Ajustar a la vista").first.click()
    page.get_by_role("button", name="Acercar").first.click()
    shot(page, "history-ticket-1280")
