"""The on-site visit in the staff pages: the field team's calendar refuses a past date next to the field,
keeping what was typed, and the technician reads the service address on the task and ticket pages."""
from datetime import date

from app.extensions import db
from app.i18n import format_date
from app.models import HumanTask
from tests.staff.conftest import open_complaint, ready_task, validate
from tests.visit_dates import working_day

ADDRESS = "Calle 5 de Mayo 18, Col. Centro, Puebla"


def test_a_past_visit_is_refused_and_the_address_is_shown(staff):
    ticket = open_complaint(service_address=ADDRESS)
    validate(ticket, category="equipo")
    diagnosis = ready_task(ticket, "diagnostico")
    technician = staff(diagnosis.assignee.username)
    technician.post(f"/staff/tasks/{diagnosis.id}", {"diagnosis": "Fuente dañada", "outcome": "visita"})
    visit = ready_task(ticket, "coordinar_visita")  # C-1001 has no área de cliente: the agent calls her
    agent = staff("agente")
    page = agent.get(f"/staff/tasks/{visit.id}").get_data(True)
    assert f'<dd id="service-address">{ADDRESS}</dd>' in page
    assert 'name="visit_slot"' in page  # the field team's free slots
    response = agent.post(f"/staff/tasks/{visit.id}", {"visit_date": "2020-01-01", "visit_window": "09:00-13:00",
                                                       "visit_notes": "Tocar en la reja verde"}, expect=422)
    page = response.get_data(True)
    assert "La fecha de la visita 01/01/2020 ya pasó: elija una fecha posterior." in page
    assert "Tocar en la reja verde" in page  # nothing typed is lost
    db.session.expire_all()
    assert db.session.get(HumanTask, visit.id).status == "ready"
    day = working_day()
    agent.post(f"/staff/tasks/{visit.id}", {"visit_slot": f"{day} 17:00-20:00"})
    onsite = ready_task(ticket, "visita_in_situ")
    technician = staff("campo1")
    page = technician.get(f"/staff/tasks/{onsite.id}").get_data(True)
    assert f"Domicilio del servicio: {ADDRESS}" in page  # the instructions
    assert f'<dd id="service-address">{ADDRESS}</dd>' in page
    long_day = format_date(date.fromisoformat(day), "EEEE d 'de' MMMM 'de' y")  # e.g. lunes 14 de diciembre de 2026
    when = f"{long_day}, de 17:00 a 20:00"
    assert f'<dd id="visit-when">{when}</dd>' in page
    page = technician.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert f'<dd id="service-address">{ADDRESS}</dd>' in page
    assert f'<dd id="visit-when">{when}</dd>' in page
