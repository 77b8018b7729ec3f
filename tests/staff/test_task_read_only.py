"""A task one cannot complete (done, dropped, held by someone else) shows its values or its holder, never a
form; a form that went stale keeps what was typed (issue 13)."""
from __future__ import annotations

from app.extensions import db
from app.models import HumanTask
from app.services.cases import task_service
from tests.conftest import user
from tests.staff.conftest import open_complaint, ready_task, validate


def diagnosis_task():
    ticket = open_complaint()
    validate(ticket)
    return ticket, ready_task(ticket, "diagnostico")


def test_a_completed_task_shows_what_was_submitted_and_by_whom(staff):
    ticket, diagnosis = diagnosis_task()
    holder = diagnosis.assignee.username
    technician = staff(holder)
    technician.post(f"/staff/tasks/{diagnosis.id}", {"diagnosis": "Canal saturado", "outcome": "remota"})
    page = technician.get(f"/staff/tasks/{diagnosis.id}").get_data(True)
    assert 'id="task-read-only" data-reason="completed"' in page
    assert f"Completada por {user(holder).full_name} el" in page and "Canal saturado" in page
    assert 'name="diagnosis"' not in page and "Completar tarea" not in page and "Tomar" not in page


def test_a_task_held_by_someone_else_names_its_holder_and_has_no_form(staff):
    ticket, diagnosis = diagnosis_task()
    holder = user(diagnosis.assignee.username)
    other = next(u for u in task_service.task_page(diagnosis.id, user("supervisor")).candidates
                 if u.id != holder.id and not u.has_role("supervisor"))
    page = staff(other.username).get(f"/staff/tasks/{diagnosis.id}").get_data(True)
    assert 'data-reason="held"' in page and f"Esta tarea la tiene ahora {holder.full_name}" in page
    assert 'name="diagnosis"' not in page


def test_a_form_that_went_stale_answers_the_read_only_page_with_what_was_typed(staff):
    ticket, diagnosis = diagnosis_task()
    technician = staff(diagnosis.assignee.username)
    technician.get(f"/staff/tasks/{diagnosis.id}")  # the form is drawn ...
    task_service.complete_task(diagnosis.id, {"diagnosis": "Otro lo resolvió", "outcome": "remota"},
                               user("supervisor"))  # ... and completed elsewhere before it is sent
    response = technician.post(f"/staff/tasks/{diagnosis.id}",
                               {"diagnosis": "Mi texto largo que no debe perderse", "outcome": "remota",
                                "form_token": "stale-1"}, expect=409)
    page = response.get_data(True)
    assert 'data-reason="completed"' in page and "Otro lo resolvió" in page
    assert "Lo que escribió (no se guardó)" in page and "Mi texto largo que no debe perderse" in page


def test_completing_twice_with_one_form_token_completes_once_and_lands_on_the_ticket(staff):
    ticket, diagnosis = diagnosis_task()
    technician = staff(diagnosis.assignee.username)
    form = {"diagnosis": "Canal saturado", "outcome": "remota", "form_token": "task-tok-1"}
    first = technician.post(f"/staff/tasks/{diagnosis.id}", form)
    again = technician.post(f"/staff/tasks/{diagnosis.id}", form)
    assert first.location == again.location and first.location.endswith(f"/staff/tickets/{ticket.number}")
    db.session.expire_all()
    assert db.session.get(HumanTask, diagnosis.id).status == "completed"
    page = technician.get(f"/staff/tasks/{diagnosis.id}").get_data(True)
    assert 'name="form_token"' not in page
