"""The staff ticket and task pages of an incident: device, level, escalations, similar resolved incidents
with "aplicar este procedimiento", links on both tickets and merging from the page."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, IncidentDetail, Ticket
from app.services.cases import task_service
from app.services.incidents import registration
from app.services.incidents.device import Device
from tests.conftest import user
from tests.staff.conftest import ready_task


def incident(description="Se cayó el celular y la pantalla quedó negra", **extra) -> Ticket:
    ticket, _created = registration.register(registration.Registration(
        channel="phone", description=description, customer_number="C-1001", category="movil_pantalla",
        device=Device("Samsung", "Galaxy A54", "356789104563211", ["pantalla"], "Cayó al piso"), **extra),
        user("agente"))
    return ticket


def resolved_one() -> Ticket:
    customer = db.session.scalar(select(Customer).where(Customer.number == "C-1002"))
    ticket = Ticket(kind="incident", number="I-2026-900001", customer=customer, channel="phone",
                    description="La pantalla quedó negra tras una caída", category="movil_pantalla", status="closed")
    ticket.incident = IncidentDetail(device_key="serie:1", faults=[], resolution="Cambio de display",
                                     procedure="1. Respaldo 2. Cambio de display")
    db.session.add(ticket)
    db.session.commit()
    return ticket


def to_resolution(ticket: Ticket) -> str:
    """Validate, classify and diagnose through the services; returns the technician."""
    task_service.complete_task(ready_task(ticket, "validar_incidencia").id, {"decision": "validar"}, user("agente"))
    task_service.complete_task(ready_task(ticket, "clasificar_incidencia").id, {
        "category": "movil_pantalla", "impact": "medio", "urgency": "media", "team": "soporte_n1"}, user("agente"))
    db.session.refresh(ticket)
    technician = ticket.assignee.username
    task_service.complete_task(ready_task(ticket, "diagnostico_incidencia").id,
                               {"diagnosis": "Display roto", "next_step": "resolver"}, user(technician))
    return technician


def test_ticket_page_shows_device_faults_similar_and_applies_a_procedure(staff):
    resolved_one()
    ticket = incident()
    client = staff("supervisor")
    page = client.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "Galaxy A54" in page and "356789104563211" in page and "Pantalla rota o sin imagen" in page
    assert "Incidencias resueltas parecidas" in page and "I-2026-900001" in page and "Cambio de display" in page
    client.post(f"/staff/tickets/{ticket.number}/apply-procedure",
                {"source": "I-2026-900001", "back": f"/staff/tickets/{ticket.number}"})
    db.session.expire_all()
    assert db.session.get(IncidentDetail, ticket.id).procedure == "1. Respaldo 2. Cambio de display"


def test_the_resolution_form_starts_from_the_applied_procedure(staff):
    resolved_one()
    ticket = incident()
    technician = to_resolution(ticket)
    client = staff(technician)
    task = ready_task(ticket, "resolucion_incidencia")
    page = client.get(f"/staff/tasks/{task.id}").get_data(True)
    assert "Aplicar este procedimiento" in page
    client.post(f"/staff/tickets/{ticket.number}/apply-procedure",
                {"source": "I-2026-900001", "back": f"/staff/tasks/{task.id}"})
    page = client.get(f"/staff/tasks/{task.id}").get_data(True)
    assert ">1. Respaldo 2. Cambio de display</textarea>" in page


def test_links_show_on_both_pages_and_merge_from_the_page(staff):
    first = incident()
    second = incident(confirm_new=True, description="Llamó otra vez por el celular")
    client = staff("agente")
    client.post(f"/staff/tickets/{second.number}/links", {"target": first.number, "type": "related_to"})
    assert f'Relacionado con <a href="/staff/tickets/{first.number}"' in \
        client.get(f"/staff/tickets/{second.number}").get_data(True)
    assert second.number in client.get(f"/staff/tickets/{first.number}").get_data(True)
    response = client.post(f"/staff/tickets/{second.number}/merge", {"into": first.number})
    assert response.headers["Location"].endswith(f"/staff/tickets/{first.number}")
    page = client.get(f"/staff/tickets/{second.number}").get_data(True)
    assert "Unido a" in page and "Cerrada" in page
