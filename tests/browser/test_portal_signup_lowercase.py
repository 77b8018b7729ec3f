"""Issue 13 in Chromium at 360 px: a customer types her number in lowercase ("c-1001") and her address in
capitals; the link still comes, and the page says what to check when nothing arrives."""
from __future__ import annotations

import pytest

from tests.browser.test_portal_journey import verification_path
from tests.browser.test_staff_journey import PHONE
from tests.portal.conftest import EMAILS, PASSWORD

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


def test_a_lowercase_customer_number_signs_up_and_the_page_says_what_to_check(browser, live_server, shot):
    page = browser.new_context(viewport=PHONE, locale="es-MX").new_page()
    page.goto(f"{live_server}/portal/signup")
    page.locator("#i-customer_number").fill("c-1001")
    page.locator("#i-email").fill(EMAILS["C-1001"].upper())
    page.locator("#i-password").fill(PASSWORD)
    page.locator("#i-password2").fill(PASSWORD)
    page.get_by_role("button", name="Crear cuenta").click()
    page.get_by_role("heading", name="¿No le llegó nada?").wait_for()
    hints = page.locator("ul.help").inner_text()
    assert "correo no deseado" in hints and "soporte@net1.mx" in hints and "48 horas" in hints
    shot(page, "signup-sent-360")
    page.goto(live_server + verification_path(EMAILS["C-1001"]))
    assert "Su cuenta está activa" in page.locator(".flashes").inner_text()
