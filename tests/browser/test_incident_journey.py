"""An agent takes an incident on a call in the browser; the ticket page draws incidencia.bpmn with bpmn-js
(the path taken and the current task), the incident's device and its links. Screenshots in tests/artifacts/."""
from __future__ import annotations

from tests.browser.test_staff_journey import PHONE, phone_shot, sign_in


def test_agent_takes_an_incident_and_the_page_draws_its_diagram(app, browser, live_server, shot):
    base = live_server
    agent = sign_in(browser, base, "agente")
    agent.goto(f"{base}/staff/intake/incident?customer_number=C-1001")
    agent.get_by_label("¿Qué tipo de falla?").select_option("movil_pantalla")
    agent.get_by_label("Marca").fill("Samsung")
    agent.get_by_label("Modelo").fill("Galaxy A54")
    agent.get_by_label("Número de serie o IMEI").fill("356789104563211")
    agent.get_by_label("Pantalla rota o sin imagen").check()
    agent.get_by_label("Describa el problema").fill("Se cayó y la pantalla quedó negra")
    agent.get_by_role("button", name="Registrar la incidencia").click()
    number = agent.locator(".ticket-number, strong").filter(has_text="I-").first.inner_text().strip()
    assert number.startswith("I-")
    agent.goto(f"{base}/staff/tickets/{number}")
    agent.wait_for_selector(".bpmn.drawn", timeout=15000)
    assert agent.locator(".djs-element.current").count() >= 1  # Validar incidencia
    assert agent.locator(".djs-element.done").count() >= 3
    assert "Galaxy A54" in agent.locator("#incident").inner_text()
    shot(agent, "incident-ticket-1280")
    phone_shot(agent, shot, "incident-ticket-360")
    agent.set_viewport_size(PHONE)
    agent.context.close()
