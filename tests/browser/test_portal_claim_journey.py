"""A customer files a claim on his invoice in real headless Chromium and follows its decision live: the
approver decides while the claim page is open, and the decision with its reason appears without a reload."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import task_service
from tests.browser.conftest import read
from tests.browser.test_portal_journey import sign_up_and_in
from tests.browser.test_staff_journey import phone_shot
from tests.conftest import user

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


@pytest.fixture
def quick_polls(app):
    app.config["PORTAL_POLL_SECONDS"] = 2
    yield
    app.config["PORTAL_POLL_SECONDS"] = 5


def approve(number: str, reason: str) -> None:
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id, HumanTask.status == "ready"))
    task_service.complete_task(task.id, {"decision": "aprobar", "motivo": reason}, user("aprobador"))


def test_customer_files_and_follows_a_claim(browser, live_server, shot, quick_polls):
    base = live_server
    page = sign_up_and_in(browser, base, "C-1001")
    page.get_by_role("link", name="Mis reclamaciones").click()
    page.get_by_role("link", name="Reclamar la factura F-202610-1001").click()
    page.get_by_role("checkbox", name="Renta de módem").check()
    page.get_by_label("Importe reclamado de Renta de módem").fill("30.00")
    page.get_by_label("Motivo", exact=True).select_option("cobro_indebido")
    page.get_by_label("Cuéntenos qué pasó").fill("Devolví el módem en septiembre y me lo siguen cobrando.")
    shot(page, "portal-claim-01-file-1280")
    page.get_by_role("button", name="Enviar la reclamación").click()
    page.wait_for_url(re.compile(r".*/portal/claims/R-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    assert page.locator(".line-status").inner_text() == "Aprobación pendiente"

    page.evaluate("window.__marker = 1")
    read(lambda: approve(number, "Confirmamos la devolución del módem."))
    page.get_by_text("fue aprobada: Confirmamos la devolución del módem.").wait_for(timeout=15000)
    assert page.evaluate("window.__marker") == 1  # followed live, not reloaded
    shot(page, "portal-claim-02-decided-1280")
    phone_shot(page, shot, "portal-claim-02-decided-360")
    page.reload()
    assert page.locator(".line-status").inner_text() == "Aprobado"
    page.goto(f"{base}/portal/claims")
    assert "Aprobado" in page.locator(".portal-tickets").inner_text()
    page.context.close()
