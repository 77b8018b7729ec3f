"""The task page: the form from the task's JSON Schema, the ticket's context, validation next to each field."""
import io
import re
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask
from app.models.attachment import Attachment
from app.services.processes import forms
from tests.staff.conftest import open_complaint, ready_task, validate
from tests.visit_dates import working_day

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_form_is_drawn_from_the_schema_beside_the_context(staff):
    ticket = open_complaint()
    validate(ticket)
    diagnosis = ready_task(ticket, "diagnostico")
    page = staff(diagnosis.assignee.username).get(f"/staff/tasks/{diagnosis.id}").get_data(True)
    assert '<textarea id="f-diagnosis" name="diagnosis"' in page  # maxLength 4000: long text
    assert page.count('type="radio" name="outcome"') == 3  # three choices: radios
    assert "Solicitar más datos al cliente" in page
    assert "Pasos anteriores" in page and "Lentitud en la conexión" in page  # what validation gathered
    assert "Instrucciones" in page and ticket.number in page


def test_errors_are_shown_next_to_their_field_and_the_input_is_kept(staff):
    ticket = open_complaint()
    validate(ticket)
    diagnosis = ready_task(ticket, "diagnostico")
    technician = staff(diagnosis.assignee.username)
    response = technician.post(f"/staff/tasks/{diagnosis.id}",
                               {"diagnosis": "Canal saturado <b>x</b>", "outcome": "solicitar_datos"}, expect=422)
    page = response.get_data(True)
    field = re.search(r'<fieldset[^>]*>\s*<legend>Pregunta|id="f-question".*?</div>', page, re.S).group(0)
    assert "Este campo es obligatorio." in field
    assert "Canal saturado &lt;b&gt;x&lt;/b&gt;</textarea>" in page
    assert 'value="solicitar_datos" checked' in page


def test_a_valid_form_completes_the_task(staff):
    ticket = open_complaint()
    validate(ticket)
    diagnosis = ready_task(ticket, "diagnostico")
    response = staff(diagnosis.assignee.username).post(
        f"/staff/tasks/{diagnosis.id}", {"diagnosis": "Canal saturado", "outcome": "remota"})
    assert response.location.endswith(f"/staff/tickets/{ticket.number}")
    db.session.expire_all()
    done = db.session.get(HumanTask, diagnosis.id)
    assert done.status == "completed" and done.data == {"diagnosis": "Canal saturado", "outcome": "remota"}
    assert ready_task(ticket, "intervencion_remota") is not None


def test_dates_numbers_and_booleans_are_typed(staff):
    ticket = open_complaint()
    validate(ticket)
    diagnosis = ready_task(ticket, "diagnostico")
    technician = staff(diagnosis.assignee.username)
    technician.post(f"/staff/tasks/{diagnosis.id}", {"diagnosis": "Conector dañado", "outcome": "visita"})
    visit = ready_task(ticket, "coordinar_visita")
    agent = staff("agente")
    page = agent.get(f"/staff/tasks/{visit.id}").get_data(True)
    assert f'name="visit_slot" value="{working_day()} 09:00-13:00"' in page  # a free slot, not a typed date
    agent.post(f"/staff/tasks/{visit.id}", {"visit_slot": f"{working_day()} 09:00-13:00"})
    onsite = ready_task(ticket, "visita_in_situ")
    field_technician = staff("campo1")  # the visit goes to the field team (equipo_visita.dmn)
    page = field_technician.get(f"/staff/tasks/{onsite.id}").get_data(True)
    assert 'type="datetime-local" id="f-onsite_arrived_at"' in page
    field_technician.post(f"/staff/tasks/{onsite.id}", {"actions_onsite": "Cambio de conectores",
                                                  "onsite_arrived_at": "2026-12-01T10:30"})
    db.session.expire_all()
    assert db.session.get(HumanTask, onsite.id).data["onsite_arrived_at"] == "2026-12-01T10:30:00-06:00"
    tests = ready_task(ticket, "pruebas_funcionalidad")
    response = technician.post(f"/staff/tasks/{tests.id}", {"tests_passed": "true", "test_notes": "OK",
                                                            "measured_download_mbps": "-3"}, expect=422)
    assert "Debe ser al menos 0." in response.get_data(True)
    technician.post(f"/staff/tasks/{tests.id}", {"tests_passed": "true", "test_notes": "OK",
                                                 "measured_download_mbps": "95,5"})
    db.session.expire_all()
    assert db.session.get(HumanTask, tests.id).data == {"tests_passed": True, "test_notes": "OK",
                                                        "measured_download_mbps": 95.5}


def test_a_supervisor_completes_a_customer_step_on_the_customers_behalf(staff):
    ticket = open_complaint()
    validate(ticket)
    technician = staff(ready_task(ticket, "diagnostico").assignee.username)
    technician.post(f"/staff/tasks/{ready_task(ticket, 'diagnostico').id}", {"diagnosis": "x", "outcome": "remota"})
    technician.post(f"/staff/tasks/{ready_task(ticket, 'intervencion_remota').id}", {"actions_remote": "Reinicio"})
    technician.post(f"/staff/tasks/{ready_task(ticket, 'pruebas_funcionalidad').id}",
                    {"tests_passed": "true", "test_notes": "OK"})
    confirm = ready_task(ticket, "confirmar_resolucion")
    supervisor = staff("supervisor")
    page = supervisor.get(f"/staff/tasks/{confirm.id}").get_data(True)
    assert "en nombre del cliente, María López" in page
    supervisor.post(f"/staff/tasks/{confirm.id}", {"solved": "true"})
    db.session.expire_all()
    assert db.session.scalar(select(HumanTask.on_behalf_of).where(HumanTask.id == confirm.id)) == "María López"


def test_someone_elses_task_is_not_found(staff):
    ticket = open_complaint()
    validate(ticket)
    diagnosis = ready_task(ticket, "diagnostico")
    response = staff("campo1").get(f"/staff/tasks/{diagnosis.id}", expect=404)
    assert "Tarea no encontrada." in response.get_data(True)


def test_a_file_field_keeps_the_upload_as_an_attachment(staff, app, monkeypatch):
    """A form field {"type": "string", "format": "attachment"} is a file input; the file is kept with the
    ticket and the task data holds its reference. (tests/staff/forms: validar_reporte plus such a field.)"""
    monkeypatch.setitem(app.config, "FORMS_DIR", str(Path(__file__).parent / "forms"))
    # The deployed version keeps its own forms: read forms/ instead, as for a version from before that.
    monkeypatch.setattr(forms, "_stored_form", lambda database, version_id, name: None)
    ticket = open_complaint()
    task = ready_task(ticket, "validar_reporte")
    agent = staff("agente")
    assert 'type="file" id="f-evidence" name="evidence"' in agent.get(f"/staff/tasks/{task.id}").get_data(True)
    agent.post(f"/staff/tasks/{task.id}", {"valid": "true", "category": "lentitud", "priority_override": "sin_cambio",
                                           "evidence": (io.BytesIO(PNG), "captura.png")},
               content_type="multipart/form-data")
    db.session.expire_all()
    data = db.session.get(HumanTask, task.id).data
    attachment = db.session.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id))
    assert data["evidence"] == f"attachment:{attachment.id}" and attachment.original_name == "captura.png"
