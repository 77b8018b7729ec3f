"""An analyst, in Chromium, edits a notice: the preview follows what she types (rendered by the server in the
sandbox), a broken template shows its Spanish error instead, and saving makes version 2. The guide is one
click away."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from app.extensions import db
from app.models import NoticeTemplate
from app.services.processes import notices as notice_service
from tests.browser.conftest import read
from tests.browser.test_staff_journey import sign_in
from tests.conftest import user

expect = pytest.importorskip("playwright.sync_api").expect  # skipped, like the others, without Playwright


def test_the_preview_follows_the_text_and_a_save_makes_a_new_version(browser, live_server, shot):
    notice_service.create_template("aviso_navegador", notice_service.NoticeText(
        subject="Aviso {{ ticket.number }}", body="Hola {{ ticket.customer_name }}."), user("analista"))
    db.session.rollback()
    try:
        page = sign_in(browser, live_server, "analista")
        page.get_by_role("link", name="Avisos").click()
        page.get_by_role("link", name="aviso_navegador").click()
        preview = page.locator("#notice-preview")
        assert "Hola María López." in preview.inner_text()  # the sample ticket, rendered with the page

        page.get_by_label("Cuerpo").fill("Su {{ kind_label | lower }} está {{ status_label }}.")
        expect(preview.locator("[data-role=body]")).to_have_text("Su queja está En diagnóstico.")
        page.get_by_label("Cuerpo").fill("{% if ticket.priority %}sin cerrar")
        expect(preview.locator("[data-role=error]")).to_contain_text(
            "Línea 1: la plantilla termina antes de cerrar un bloque")
        expect(preview.locator("[data-role=body]")).to_have_text("")
        shot(page, "notice-editor-error-1280")

        page.get_by_label("Cuerpo").fill("Su {{ kind_label | lower }} sigue en atención.")
        page.get_by_role("button", name="Guardar nueva versión").click()
        page.wait_for_url("**/staff/notices/aviso_navegador")
        assert "Versión 2" in page.inner_text(".page-head")
        saved = read(lambda: NoticeTemplate.named("aviso_navegador").body)
        assert saved == "Su {{ kind_label | lower }} sigue en atención."
        shot(page, "notice-editor-saved-1280")

        page.get_by_role("link", name="Ayuda").click()
        assert "Guía del analista" in page.inner_text("h1")
        shot(page, "analyst-guide-1280")
    finally:
        db.session.rollback()
        db.session.execute(delete(NoticeTemplate).where(NoticeTemplate.name == "aviso_navegador"))
        db.session.commit()
