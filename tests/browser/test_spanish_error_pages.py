"""In Chromium: a page that does not exist and an upload over the limit answer Spanish pages in the page shell,
for staff and customers, and the customer's description is put back on the form (issue 13)."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.browser.test_portal_journey import sign_up_and_in
from tests.browser.test_staff_journey import sign_in
from tests.staff.conftest import open_complaint

BIG = b"\x89PNG\r\n\x1a\n" + b"\x00" * (256 * 1024)


pytestmark = pytest.mark.usefixtures("no_portal_accounts")


@pytest.fixture
def small_requests(app):
    """Requests capped at 64 KB for this test (the cap that turns a 256 KB photo into a 413)."""
    before = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    yield
    app.config["MAX_CONTENT_LENGTH"] = before


def assert_spanish_shell(page, title: str) -> None:
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("header.topbar").is_visible() and page.locator("h1").inner_text() == title
    body = page.locator("body").inner_text()
    assert "Not Found" not in body and "Request Entity Too Large" not in body


def test_staff_404_and_413_are_spanish_pages(browser, live_server, small_requests, shot):
    base = live_server
    number = open_complaint().number
    db.session.rollback()
    agent = sign_in(browser, base, "agente")
    response = agent.goto(f"{base}/staff/no-existe")
    assert response.status == 404 and "Esta página no existe." in agent.locator("main").inner_text()
    assert_spanish_shell(agent, "No encontrado")
    shot(agent, "error-404-staff-1280")
    agent.goto(f"{base}/staff/tickets/{number}")
    agent.get_by_label("Adjuntar un archivo").set_input_files(
        [{"name": "foto.png", "mimeType": "image/png", "buffer": BIG}])
    with agent.expect_response(lambda r: r.request.method == "POST") as answer:
        agent.get_by_role("button", name="Subir").click()
    assert answer.value.status == 413
    assert_spanish_shell(agent, "Demasiado grande")
    assert "MB" in agent.locator("main").inner_text()
    shot(agent, "error-413-staff-1280")
    agent.context.close()


def test_portal_404_and_413_are_spanish_pages_and_keep_the_text(browser, live_server, small_requests, shot):
    base = live_server
    page = sign_up_and_in(browser, base, "C-1001")
    response = page.goto(f"{base}/portal/no-existe")
    assert response.status == 404 and "Esta página no existe." in page.locator("main").inner_text()
    assert_spanish_shell(page, "No encontrado")
    shot(page, "error-404-portal-1280")
    page.goto(f"{base}/portal/tickets/new")
    text = "Sin internet desde ayer; les mando la foto del módem con las luces."
    page.locator("#i-category").select_option("sin_servicio")
    page.locator("#i-description").fill(text)
    page.get_by_label("Fotos o documentos (opcional)").set_input_files(
        [{"name": "modem.png", "mimeType": "image/png", "buffer": BIG}])
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Enviar el reporte").click()
    assert answer.value.status == 413
    assert_spanish_shell(page, "Demasiado grande")
    shot(page, "error-413-portal-1280")
    page.get_by_role("link", name="Volver al formulario").click()
    page.wait_for_url(f"{base}/portal/tickets/new")
    assert page.locator("#i-description").input_value() == text
    page.context.close()
