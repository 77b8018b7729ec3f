"""A supervisor, in Chromium, finds an automatic-looking mail that intake ignored under "Correo entrante",
reads it as it came and processes it again: it opens a ticket, and the flash says so (issue 13)."""
from __future__ import annotations

from app.extensions import db
from app.models.mail import InboundMessage
from tests.browser.conftest import read
from tests.browser.test_staff_journey import sign_in
from tests.mail.conftest import _mail_state, eml, receive  # noqa: F401 - the fixture cleans the mail rows


def test_an_ignored_mail_is_read_as_it_came_and_processed_again(browser, live_server, shot):
    row_id = receive(eml("precedence_bulk")).id
    db.session.rollback()

    page = sign_in(browser, live_server, "supervisor")
    page.get_by_role("link", name="Correo entrante").click()
    assert "Correo automático" in page.inner_text("table")
    shot(page, "inbound-mail-list-1280")
    page.locator(f"a[href$='/staff/mail/{row_id}']").click()
    page.wait_for_url(f"**/staff/mail/{row_id}")
    assert "Precedence: bulk" in page.inner_text("pre.raw-mail")
    page.get_by_role("button", name="Procesar de nuevo").click()
    page.wait_for_url(f"**/staff/mail/{row_id}")
    assert "Se abrió un ticket." in page.inner_text(".flashes")
    assert page.get_by_role("button", name="Procesar de nuevo").count() == 0
    shot(page, "inbound-mail-processed-1280")
    number = page.locator("dl.facts a").inner_text()
    assert read(lambda: db.session.get(InboundMessage, row_id).ticket_id) is not None
    page.locator("dl.facts a").click()
    page.wait_for_url(f"**/staff/tickets/{number}")
    assert page.get_by_role("link", name="Correo original").count() >= 1
