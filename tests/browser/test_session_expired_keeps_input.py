"""In Chromium: a session that expired while someone typed sends him to sign in, then back to the form with
what he typed put back; nothing is registered until he sends it again (issue 13); staff and portal."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import CustomerSession, StaffSession, Ticket
from app.services.demo_service import DEMO_PASSWORD
from tests.browser.conftest import read
from tests.browser.test_portal_journey import sign_up_and_in
from tests.browser.test_staff_journey import sign_in
from tests.portal.conftest import EMAILS, PASSWORD

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


def expire(model) -> None:
    """Every session of this kind ends on the server (as the idle timeout ends it)."""
    def end():
        db.session.execute(delete(model))
        db.session.commit()

    read(end)


def tickets() -> int:
    return read(lambda: db.session.scalar(select(func.count()).select_from(Ticket)))


def test_staff_session_expired_on_submit_restores_the_form_after_sign_in(browser, live_server, shot):
    base = live_server
    agent = sign_in(browser, base, "agente")
    agent.goto(f"{base}/staff/intake?customer_number=C-1001")
    text = "El módem se reinicia cada diez minutos desde el martes."
    agent.get_by_label("¿Cuál es el problema?").fill(text)
    expire(StaffSession)
    agent.get_by_role("button", name="Registrar queja").click()
    agent.wait_for_url(re.compile(r".*/staff/login\?next=.*"))
    assert tickets() == 0
    agent.get_by_label("Usuario").fill("agente")
    agent.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    agent.get_by_role("button", name="Iniciar sesión").click()
    agent.wait_for_url(f"{base}/staff/intake?customer_number=C-1001")
    assert agent.get_by_label("¿Cuál es el problema?").input_value() == text
    assert agent.locator("[data-restored]").is_visible()
    shot(agent, "session-expired-restored-staff-1280")
    agent.get_by_role("button", name="Registrar queja").click()
    assert agent.locator("#ticket-number").inner_text().startswith("Q-") and tickets() == 1
    agent.context.close()


def test_portal_session_expired_on_submit_restores_the_form_after_sign_in(browser, live_server, shot):
    base = live_server
    page = sign_up_and_in(browser, base, "C-1001")
    page.goto(f"{base}/portal/tickets/new")
    page.locator("#i-category").select_option("sin_servicio")
    text = "Sin internet desde ayer; el módem parpadea en rojo y no navega."
    page.locator("#i-description").fill(text)
    expire(CustomerSession)
    page.get_by_role("button", name="Enviar el reporte").click()
    page.wait_for_url(re.compile(r".*/portal/login\?next=.*"))
    assert tickets() == 0
    page.locator("#i-email").fill(EMAILS["C-1001"])
    page.locator("#i-password").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base}/portal/tickets/new")
    assert page.locator("#i-description").input_value() == text
    assert page.locator("#i-category").input_value() == "sin_servicio"
    shot(page, "session-expired-restored-portal-1280")
    page.get_by_role("button", name="Enviar el reporte").click()
    assert page.locator("#new-number").inner_text().startswith("Q-") and tickets() == 1
    page.context.close()
