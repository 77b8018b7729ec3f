"""The customer area in real headless Chromium: sign-up (link read from the outbox) → new complaint with an
attachment → the ticket page follows a staff action live → confirm → survey; and a hostile walk (another
customer's ticket, a script in the description, a disguised attachment, a form without its CSRF token).
Screenshots at 1280 and 360 px land in tests/artifacts/."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Ticket
from app.services.cases import ticket_service
from tests.browser.conftest import read
from tests.browser.test_staff_journey import PHONE, WIDE, phone_shot
from tests.portal.conftest import EMAILS, PASSWORD
from tests.portal.helpers import ready_task, to_confirmation, validate
from tests.portal.test_portal_tickets import PNG

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


def verification_path(address: str) -> str:
    body = read(lambda: db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == address)
                                          .order_by(OutboxMessage.id.desc())))
    return re.search(r"https?://[^/\s]+(/portal/verify/\S+)", body).group(1)


def sign_up_and_in(browser, base, number: str, viewport=WIDE):
    page = browser.new_context(viewport=viewport, locale="es-MX").new_page()
    page.goto(f"{base}/portal/signup")
    page.locator("#i-customer_number").fill(number)
    page.locator("#i-email").fill(EMAILS[number])
    page.locator("#i-password").fill(PASSWORD)
    page.locator("#i-password2").fill(PASSWORD)
    page.get_by_role("button", name="Crear cuenta").click()
    page.get_by_text("Revise su correo").first.wait_for()
    page.goto(base + verification_path(EMAILS[number]))
    assert "Su cuenta está activa" in page.locator(".flashes").inner_text()
    page.locator("#i-email").fill(EMAILS[number])
    page.locator("#i-password").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base}/portal/tickets")
    return page


def report(page, base, description: str, files=None):
    page.goto(f"{base}/portal/tickets/new")
    page.locator("#i-category").select_option("sin_servicio")
    page.locator("#i-description").fill(description)
    if files:
        page.get_by_label("Fotos o documentos (opcional)").set_input_files(files)
    page.get_by_role("button", name="Enviar el reporte").click()


def test_customer_journey(app, browser, live_server, shot):
    base = live_server
    app.config["PORTAL_POLL_SECONDS"] = 2
    try:
        page = sign_up_and_in(browser, base, "C-1001")
        shot(page, "portal-01-my-tickets-1280")
        report(page, base, "Sin internet desde ayer; el módem parpadea en rojo.",
               files=[{"name": "modem.png", "mimeType": "image/png", "buffer": PNG}])
        number = page.locator("#new-number").inner_text()
        assert re.fullmatch(r"Q-\d{4}-\d{6}", number)
        shot(page, "portal-02-received-1280")
        ticket_id = read(lambda: db.session.scalar(select(Ticket.id).where(Ticket.number == number)))
        mail = read(lambda: db.session.scalar(
            select(OutboxMessage.subject).where(OutboxMessage.ticket_id == ticket_id)))
        assert number in mail
        page.get_by_role("link", name="Seguir mi ticket").click()
        assert page.get_by_role("link", name="modem.png").is_visible()
        status = page.locator("#live-status")
        before = status.inner_text()
        # A staff action while the customer watches: the page changes without a reload.
        page.evaluate("window.__marker = 1")
        read(lambda: validate(db.session.get(Ticket, ticket_id)))
        page.wait_for_function("t => document.getElementById('live-status').textContent !== t", arg=before,
                               timeout=15000)
        assert page.evaluate("window.__marker") == 1  # same document: not reloaded
        shot(page, "portal-03-live-1280")
        read(lambda: to_confirmation(db.session.get(Ticket, ticket_id)))
        page.get_by_role("link", name="Confirmar resolución").wait_for(timeout=15000)
        phone_shot(page, shot, "portal-04-ticket-360")
        page.set_viewport_size(WIDE)
        page.get_by_role("link", name="Confirmar resolución").click()
        page.get_by_label("Sí, el problema está resuelto").check()
        shot(page, "portal-05-confirm-1280")
        page.get_by_role("button", name="Enviar").click()
        page.get_by_role("link", name="Encuesta de satisfacción").wait_for(timeout=15000)
        page.get_by_role("link", name="Encuesta de satisfacción").click()
        page.locator("#f-score").select_option("5")
        page.locator("#f-comments").fill("Rápido y amable")
        phone_shot(page, shot, "portal-06-survey-360")
        page.get_by_role("button", name="Enviar").click()
        page.wait_for_url(re.compile(r".*/portal/tickets/Q-.*/thanks"))
        assert page.get_by_role("heading", name="Gracias por su opinión").is_visible()
        page.get_by_role("link", name="Volver a mi ticket").click()
        assert page.locator("#live-status").inner_text() == "Cerrada"
        closed = read(lambda: db.session.get(Ticket, ticket_id))
        assert closed.status == "closed" and closed.survey_score == 5
        assert read(lambda: ready_task(closed, "encuesta_satisfaccion")) is None
        page.set_viewport_size(WIDE)
        page.goto(f"{base}/portal/tickets")
        shot(page, "portal-07-list-1280")
        phone_shot(page, shot, "portal-07-list-360")
        page.context.close()
    finally:
        app.config["PORTAL_POLL_SECONDS"] = 5


def test_hostile_walk(app, browser, live_server, shot):
    base = live_server

    def other_customers_ticket():
        ticket = ticket_service.open_complaint(channel="phone", description="Ticket ajeno: factura de Juan",
                                               actor=None, customer_number="C-1002")
        return ticket.number, ticket.id

    foreign_number, foreign_id = read(other_customers_ticket)
    page = sign_up_and_in(browser, base, "C-1001", viewport=PHONE)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for ref in (foreign_number, str(foreign_id)):
        response = page.goto(f"{base}/portal/tickets/{ref}")
        assert response.status == 404 and "Ticket ajeno" not in page.content()
    phone_shot(page, shot, "portal-10-foreign-404-360")
    # A script in the description shows as text and never runs.
    report(page, base, "<script>alert('xss')</script><img src=x onerror=alert(1)> sin internet")
    page.get_by_role("link", name="Seguir mi ticket").click()
    assert "<script>alert('xss')</script>" in page.locator("#description").inner_text()
    page.wait_for_timeout(500)
    assert dialogs == []
    phone_shot(page, shot, "portal-11-script-as-text-360")
    count = read(lambda: db.session.scalar(select(func.count()).select_from(Ticket)))
    # An executable renamed .png: refused with a clear message, what he wrote is kept in the form.
    report(page, base, "Mi módem no enciende desde la mañana",
           files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00" + b"\x00" * 400}])
    assert "No se aceptan archivos como foto.png" in page.locator(".flash-error").inner_text()
    assert page.locator("#i-description").input_value() == "Mi módem no enciende desde la mañana"
    phone_shot(page, shot, "portal-12-disguised-file-360")
    # The same form without its CSRF token: refused, nothing kept, still signed in.
    page.evaluate("document.querySelector('form[enctype] input[name=csrf_token]').remove()")
    page.get_by_role("button", name="Enviar el reporte").click()
    assert "código de seguridad" in page.content()
    phone_shot(page, shot, "portal-13-no-csrf-360")
    assert read(lambda: db.session.scalar(select(func.count()).select_from(Ticket))) == count
    page.goto(f"{base}/portal/tickets")
    assert page.get_by_role("heading", name="Mis tickets").is_visible()
    page.context.close()
