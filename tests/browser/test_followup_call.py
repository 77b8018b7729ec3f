"""An agent handles a follow-up call in Chromium: from "Atender llamada" to the earlier ticket (found by the
caller's phone), reads the analysis and the answer, asks whether the customer disagrees, files the
disagreement follow-up and reads its number back. Screenshots in tests/artifacts/."""
from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import FollowUp
from tests.browser.conftest import read
from tests.browser.test_staff_journey import phone_shot, sign_in
from tests.services.followups.conftest import START, answered_complaint


def test_agent_handles_a_follow_up_call(browser, live_server, shot):
    clock.freeze(START)
    earlier = answered_complaint("C-1002")  # Juan Pérez, Internet negocio: the agent files for him
    number = earlier.number
    db.session.rollback()

    page = sign_in(browser, live_server, "agente")
    page.get_by_role("link", name="Atender llamada").first.click()
    page.get_by_role("link", name="Insistencia sobre un requerimiento anterior").click()
    page.get_by_label("Número de ticket, número de cliente, teléfono o nombre").fill("449 100 0002")
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("link", name=number).click()

    analysis = page.locator("#analysis")
    assert "Cambiamos su perfil de velocidad" in analysis.inner_text()
    assert "Resultado: indicar la respuesta al cliente." in page.inner_text("#result")
    shot(page, "followup-analysis")

    page.get_by_label("Sí, no está conforme").check()
    page.get_by_role("button", name="Actualizar el resultado").click()
    assert "Resultado: hacer ticket por inconformidad en la respuesta." in page.inner_text("#result")
    page.get_by_label("Lo que comenta el cliente").fill("Sigue lento en las noches.")
    page.get_by_role("button", name="Registrar la llamada y hacer lo que indica el resultado").click()

    followup = read(lambda: db.session.scalar(select(FollowUp)).ticket.number)
    assert page.inner_text("#ticket-number") == followup
    assert "Registramos su insistencia" in page.inner_text("#words")
    shot(page, "followup-filed")
    phone_shot(page, shot, "followup-filed-phone")
    assert read(lambda: db.session.scalar(select(FollowUp)).subject_code) == "inconformidad_respuesta"

    # The follow-up's page: linked to the earlier ticket, its own diagram drawn with the path taken.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Abrir el ticket").click()
    page.wait_for_selector(".bpmn.drawn", timeout=15000)
    assert number in page.inner_text("#answer")
    shot(page, "followup-ticket")
