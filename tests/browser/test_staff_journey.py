"""An agent takes a phone complaint → a technician claims and diagnoses it → a supervisor sees the
escalation of the overdue ticket. Screenshots at 1280 and 360 px land in tests/artifacts/."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import timer_service
from app.services.demo_service import DEMO_PASSWORD
from tests.browser.conftest import read

WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 360, "height": 780}


# How far the page scrolls sideways, and the first visible elements sticking out (to say which).
_OVERFLOW = """() => { const root = document.documentElement, width = root.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > width + 1
    && !el.closest('svg') && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .slice(0, 5).map(el => el.tagName + '.' + el.className);
  return [root.scrollWidth - width, out]; }"""


def phone_shot(page, shot, name: str) -> None:
    """At 360 px nothing may stick out sideways; then the screenshot."""
    page.set_viewport_size(PHONE)
    overflow, culprits = page.evaluate(_OVERFLOW)
    assert overflow <= 0, (name, culprits)
    shot(page, name)


def sign_in(browser, base: str, username: str, viewport=WIDE):
    page = browser.new_context(viewport=viewport, locale="es-MX").new_page()
    page.goto(f"{base}/staff/login")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(lambda url: url.startswith(f"{base}/staff/") and "/staff/login" not in url)  # where one lands
    return page


def ready(number: str, task_name: str) -> HumanTask:
    return read(lambda: db.session.scalar(
        select(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id)
        .where(Ticket.number == number, HumanTask.task_name == task_name, HumanTask.status == "ready")))


def take_phone_complaint(browser, base, shot) -> str:
    visitor = browser.new_context(viewport=PHONE, locale="es-MX").new_page()
    visitor.goto(f"{base}/staff/tasks")  # not signed in: the login page, saying why
    assert "Inicie sesión para continuar." in visitor.locator(".flashes").inner_text()
    phone_shot(visitor, shot, "00-login-360")
    visitor.context.close()
    agent = sign_in(browser, base, "agente")
    agent.keyboard.press("Tab")
    assert agent.evaluate("document.activeElement.className") == "skip-link"
    agent.get_by_role("link", name="Atender llamada").click()
    agent.get_by_label("Número de cliente, teléfono o nombre").fill("449 100 0001")
    agent.get_by_role("button", name="Buscar").click()
    agent.get_by_role("link", name="María López").click()
    agent.get_by_label("¿Cuál es el problema?").fill("Internet muy lento desde ayer; el módem reinicia solo.")
    agent.get_by_label("Urgencia que indica el cliente").select_option("media")
    shot(agent, "01-intake-1280")
    agent.get_by_role("button", name="Registrar queja").click()
    number = agent.locator("#ticket-number").inner_text()
    shot(agent, "02-readback-1280")
    phone_shot(agent, shot, "02-readback-360")
    agent.set_viewport_size(WIDE)
    # The agent validates the report from the task list.
    agent.goto(f"{base}/staff/tasks?scope=all")
    agent.get_by_role("row").filter(has_text=number).get_by_role("link", name="Validar reporte").click()
    # Asked only when the report is denied; forms.js hides it once it has loaded, so wait for that.
    expect(agent.locator("#f-rejection_reason")).to_be_hidden()
    agent.get_by_label("No, denegar el reporte").check()
    expect(agent.locator("#f-rejection_reason")).to_be_visible()
    expect(agent.locator("#f-category")).to_be_hidden()
    agent.get_by_label("Sí, validar el reporte").check()
    agent.get_by_label("Naturaleza del problema").select_option("lentitud")
    agent.get_by_label("Mantener la prioridad que indicó el cliente").check()
    shot(agent, "03-validate-1280")
    agent.get_by_role("button", name="Completar tarea").click()
    assert "Se completó la tarea «Validar reporte»." in agent.locator(".flashes").inner_text()
    return number


def diagnose(browser, base, shot, number: str) -> None:
    holder = read(lambda: ready(number, "diagnostico").assignee.username)
    technician = sign_in(browser, base, holder)
    technician.get_by_role("link", name="Mías").click()
    technician.get_by_role("row").filter(has_text=number).get_by_role("button", name="Liberar").click()
    technician.get_by_role("link", name="De mi equipo, sin asignar").click()
    shot(technician, "04-team-queue-1280")
    technician.get_by_role("row").filter(has_text=number).get_by_role("button", name="Tomar").click()
    assert "La tarea es suya." in technician.locator(".flashes").inner_text()
    technician.get_by_role("button", name="Completar tarea").click()  # empty: refused field by field
    assert technician.locator("#f-diagnosis-error").inner_text() == "Este campo es obligatorio."
    technician.locator("textarea#f-diagnosis").fill("Saturación del canal Wi-Fi")
    technician.get_by_label("Resolver con intervención remota").check()
    shot(technician, "05-diagnosis-1280")
    phone_shot(technician, shot, "05-diagnosis-360")
    technician.get_by_role("button", name="Completar tarea").click()
    technician.wait_for_url(f"{base}/staff/tickets/{number}")


def see_escalation(browser, base, shot, number: str) -> None:
    due = read(lambda: db.session.scalar(select(Ticket.sla_due_at).where(Ticket.number == number)))
    clock.advance(due - clock.now() + timedelta(minutes=1))  # past the SLA (business hours: any weekday)
    assert timer_service.fire_due_timers() >= 1
    supervisor = sign_in(browser, base, "supervisor")
    assert supervisor.locator(".nav .badge").inner_text() != ""
    supervisor.get_by_role("link", name="Bandeja").click()
    assert f"El ticket {number} fue escalado" in supervisor.locator(".inbox").inner_text()
    shot(supervisor, "06-inbox-1280")
    supervisor.goto(f"{base}/staff/tasks?sla=overdue&scope=all")
    row = supervisor.get_by_role("row").filter(has_text=number).first
    assert "Vencida" in row.inner_text()
    shot(supervisor, "07-overdue-list-1280")
    phone_shot(supervisor, shot, "07-overdue-list-360")
    supervisor.set_viewport_size(WIDE)
    supervisor.goto(f"{base}/staff/tickets/{number}")
    supervisor.wait_for_selector(".bpmn.drawn", timeout=15000)
    assert supervisor.locator(".djs-element.current").count() >= 1
    assert supervisor.locator(".djs-element.done").count() >= 3
    assert "Escalado" in supervisor.locator(".header-grid").first.inner_text()
    shot(supervisor, "08-ticket-1280")
    phone_shot(supervisor, shot, "08-ticket-360")


def test_phone_complaint_to_escalation(browser, live_server, shot):
    number = take_phone_complaint(browser, live_server, shot)
    diagnose(browser, live_server, shot, number)
    see_escalation(browser, live_server, shot, number)
    assert ready(number, "revisar_escalamiento") is not None
