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
    assert "<dd>Incidencia · Pantalla o display dañado</dd>" in page
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


def test_an_agent_takes_an_incident_on_a_call_and_sees_the_open_one(staff):
    client = staff("agente")
    assert "O registrar una incidencia" in client.get("/staff/intake?customer_number=C-1001").get_data(True)
    form = {"customer_number": "C-1001", "channel": "phone", "category": "movil_pantalla",
            "description": "No enciende el celular", "equipment_brand": "Samsung", "device_serial": "356789104563211",
            "faults": ["no_enciende"]}
    response = client.post("/staff/intake/incident", form)
    [first] = db.session.scalars(select(Ticket).where(Ticket.kind == "incident"))
    assert response.headers["Location"].endswith(f"/staff/intake/{first.number}")
    assert first.channel == "phone" and first.incident.faults == ["no_enciende"]
    page = client.post("/staff/intake/incident", form, expect=200).get_data(True)
    assert "El cliente ya tiene una incidencia abierta de este dispositivo" in page and first.number in page
    client.post("/staff/intake/incident", {**form, "add_to": first.number, "description": "Vuelve a llamar"})
    client.post("/staff/intake/incident", {**form, "confirm_new": "1"})
    incidents = select(Ticket.number).where(Ticket.kind == "incident").order_by(Ticket.id)
    assert db.session.scalars(incidents).all()[0] == first.number  # ordered: an update moves a row on PostgreSQL
    assert len(db.session.scalars(select(Ticket.id).where(Ticket.kind == "incident")).all()) == 2
    refused = client.post("/staff/intake/incident", {**form, "category": "", "faults": ["explota"]}, expect=422)
    assert "Elija una opción." in refused.get_data(True)


def test_the_incident_tasks_are_in_the_staff_task_list(staff):
    ticket = incident()
    page = staff("agente").get("/staff/tasks", query_string={"scope": "all"}).get_data(True)
    assert "Validar incidencia" in page and ticket.number in page
