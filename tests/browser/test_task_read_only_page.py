"""In Chromium: a task completed elsewhere, or held by someone else, shows its values or its holder instead of a
form, and a form that went stale while someone typed keeps the text (issue 13); staff and portal."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Ticket
from app.services.cases import task_service
from tests.browser.conftest import read
from tests.browser.test_portal_journey import sign_up_and_in
from tests.browser.test_staff_journey import sign_in
from tests.conftest import user
from tests.portal.helpers import ready_task, to_confirmation, validate
from tests.staff.conftest import open_complaint

pytestmark = pytest.mark.usefixtures("no_portal_accounts")


def test_staff_task_done_elsewhere_or_held_by_another_is_read_only(browser, live_server, shot):
    base = live_server
    ticket_id = read(lambda: validate(open_complaint(), "lentitud").id)
    diagnosis = read(lambda: ready_task(db.session.get(Ticket, ticket_id), "diagnostico"))
    holder = read(lambda: diagnosis.assignee.username)
    technician = sign_in(browser, base, holder)
    technician.goto(f"{base}/staff/tasks/{diagnosis.id}")
    technician.locator("textarea#f-diagnosis").fill("Texto que escribí mientras otro la completaba")
    technician.get_by_label("Resolver con intervención remota").check()
    read(lambda: task_service.complete_task(diagnosis.id, {"diagnosis": "Resuelto por supervisión",
                                                           "outcome": "remota"}, user("supervisor")))
    technician.get_by_role("button", name="Completar tarea").click()
    panel = technician.locator("#task-read-only")
    assert "Completada por" in panel.inner_text() and "Resuelto por supervisión" in panel.inner_text()
    assert "Texto que escribí mientras otro la completaba" in technician.locator("#unsent").inner_text()
    shot(technician, "task-read-only-stale-1280")
    technician.goto(f"{base}/staff/tasks/{diagnosis.id}")  # the URL later: values, never a form
    assert technician.locator("#task-read-only").is_visible()
    assert technician.locator("textarea#f-diagnosis").count() == 0
    assert technician.get_by_role("button", name="Completar tarea").count() == 0
    # The next step is held by its technician: a colleague of the same team sees who holds it.
    remote = read(lambda: ready_task(db.session.get(Ticket, ticket_id), "intervencion_remota"))
    holder_name = read(lambda: remote.assignee.full_name)
    colleague = read(lambda: next(u.username for u in task_service.task_page(remote.id, user("supervisor")).candidates
                                  if u.id != remote.assignee_id and not u.has_role("supervisor")))
    other = sign_in(browser, base, colleague)
    other.goto(f"{base}/staff/tasks/{remote.id}")
    assert f"Esta tarea la tiene ahora {holder_name}" in other.locator("#task-read-only").inner_text()
    assert other.get_by_role("button", name="Completar tarea").count() == 0
    shot(other, "task-read-only-held-1280")
    technician.context.close()
    other.context.close()


def test_portal_task_already_answered_shows_what_was_sent(browser, live_server, shot):
    base = live_server
    page = sign_up_and_in(browser, base, "C-1001")
    ticket_id = read(lambda: to_confirmation(validate(open_complaint())).id)
    confirm = read(lambda: ready_task(db.session.get(Ticket, ticket_id), "confirmar_resolucion"))
    number = read(lambda: db.session.get(Ticket, ticket_id).number)
    url = f"{base}/portal/tickets/{number}/tasks/{confirm.id}"
    page.goto(url)
    page.get_by_label("Sí, el problema está resuelto").check()
    page.get_by_role("button", name="Enviar").click()
    page.wait_for_url(f"{base}/portal/tickets/{number}?done=1")
    page.goto(url)  # Back, or the link in a mail: what was sent, not the form again
    panel = page.locator("#task-read-only")
    assert "Usted lo envió el" in panel.inner_text()
    assert page.get_by_role("button", name="Enviar").count() == 0
    shot(page, "portal-task-read-only-1280")
    page.context.close()
