"""Incidents in the área de cliente: register with device, faults and files, be told of the open incident and
add to it, follow it live, answer the technician and confirm the solution; and the duplicate check across
channels for one device: portal, then phone (API), then e-mail."""
from __future__ import annotations

import io
from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, Ticket, TicketEvent
from app.services.cases import task_service
from app.services.demo_service import DEMO_PASSWORD
from app.services.mail import mail_intake_service
from tests.conftest import user
from tests.portal.helpers import ready_task

IMEI = "356789104563211"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def register(c, expect=303, files=(), **fields):
    data = {"category": "movil_pantalla", "equipment_brand": "Samsung", "equipment_model": "Galaxy A54",
            "device_serial": IMEI, "faults": ["pantalla", "no_enciende"], "fault_notes": "Se mojó",
            "description": "El celular no enciende y la pantalla está rota.", **fields}
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return c.post("/portal/incidents/new", data, expect=expect, content_type="multipart/form-data")


def incidents() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).where(Ticket.kind == "incident").order_by(Ticket.id)))


def test_register_with_device_faults_and_files(customer):
    c = customer("C-1001")
    assert "Fallas que detectó" in c.get("/portal/incidents/new").get_data(True)
    page = c.get(register(c, files=[("pantalla.png", PNG)]).location).get_data(True)
    [incident] = incidents()
    assert incident.number.startswith("I-") and incident.number in page and incident.channel == "portal"
    assert incident.incident.device_serial == IMEI and incident.incident.faults == ["pantalla", "no_enciende"]
    [photo] = db.session.scalars(select(Attachment).where(Attachment.ticket_id == incident.id))
    assert photo.original_name == "pantalla.png" and photo.source == "portal"
    assert [t.task_name for t in incident.open_tasks] == ["validar_incidencia"]


def test_bad_input_is_shown_in_spanish_and_nothing_is_kept(customer):
    c = customer("C-1001")
    page = register(c, expect=422, description="corto", category="lentitud").get_data(True)
    assert "Describa el problema en al menos 10 caracteres." in page and "Elija una opción." in page
    assert incidents() == []


def test_follow_it_live_answer_the_technician_and_confirm(customer):
    c = customer("C-1001")
    register(c)
    [incident] = incidents()
    state = c.get(f"/portal/tickets/{incident.number}/state").get_json()
    assert state["status"] == "received"
    task_service.complete_task(ready_task(incident, "validar_incidencia").id, {"decision": "validar"}, user("agente"))
    task_service.complete_task(ready_task(incident, "clasificar_incidencia").id, {
        "category": "movil_pantalla", "impact": "medio", "urgency": "alta", "team": "soporte_n1"}, user("agente"))
    db.session.refresh(incident)
    tech = user(incident.assignee.username)
    task_service.complete_task(ready_task(incident, "diagnostico_incidencia").id, {
        "diagnosis": "Revisión", "next_step": "solicitar_datos", "question": "¿Se mojó con agua salada?"}, tech)
    assert "¿Se mojó con agua salada?" in c.get(f"/portal/tickets/{incident.number}").get_data(True)
    c.post(f"/portal/tickets/{incident.number}/messages", {"text": "No, con agua de la llave"}, expect=303)
    task_service.complete_task(ready_task(incident, "diagnostico_incidencia").id,
                               {"diagnosis": "Humedad en la placa", "next_step": "resolver"}, tech)
    task_service.complete_task(ready_task(incident, "resolucion_incidencia").id, {
        "outcome": "resuelto", "resolution": "Limpieza de la placa", "procedure": "Baño ultrasónico"}, tech)
    page = c.get(f"/portal/tickets/{incident.number}").get_data(True)
    assert "FINALIZADO" in page
    confirm = ready_task(incident, "confirmar_solucion")
    c.post(f"/portal/tickets/{incident.number}/tasks/{confirm.id}", {"solved": "true"})
    assert ready_task(incident, "reclasificar_cierre") is not None


def test_one_device_across_channels_portal_then_phone_then_email(app, customer):
    c = customer("C-1001")
    register(c)
    [incident] = incidents()
    # Portal again: told of the open incident, may add to it (text and files).
    page = register(c, expect=200).get_data(True)
    assert "Ya tiene una incidencia abierta de este dispositivo" in page and incident.number in page
    response = register(c, expect=302, add_to=incident.number, files=[("otra.png", PNG)],
                        description="Ahora tampoco carga la batería.")
    assert response.headers["Location"].endswith(f"/portal/tickets/{incident.number}?added=1")
    assert len(incidents()) == 1
    # Phone (the agent, through the API): the open incident is named.
    api = app.test_client()
    token = api.post("/api/v1/auth/token", json={"username": "agente", "password": DEMO_PASSWORD}).json["token"]
    answer = api.post("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}, json={
        "kind": "incident", "customer_number": "C-1001", "channel": "phone", "category": "movil_pantalla",
        "description": "Llama por su celular", "device_serial": IMEI})
    assert answer.status_code == 409 and answer.json["errors"] == {"duplicate_of": [incident.number]}
    # E-mail about the same device: the rule opens an incident, the check joins it to the open one.
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "maria.lopez@example.com", "soporte@net1.mx", "Mi celular sigue mal"
    mail["Message-ID"] = "<celular-1@cliente.example.com>"
    mail.set_content(f"Hola, el teléfono con IMEI {IMEI} sigue sin encender.")
    mail_intake_service.receive(mail.as_bytes(), transport="pipe")
    assert len(incidents()) == 1
    lines = [e.message for e in db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == incident.id))]
    assert any("Ahora tampoco carga la batería." in m for m in lines)
    assert any("sigue sin encender" in m for m in lines)
    assert db.session.scalar(select(Attachment.id).where(Attachment.ticket_id == incident.id)) is not None


def test_an_email_about_a_new_device_fault_opens_an_incident_and_others_a_complaint(app):
    for subject, body in (("Mi celular no enciende", "IMEI 990000862471854, se apagó solo"),
                          ("Internet lento", "Desde ayer el internet está muy lento")):
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "juan.perez@example.com", "soporte@net1.mx", subject
        mail["Message-ID"] = f"<{abs(hash(subject))}@cliente.example.com>"
        mail.set_content(body)
        mail_intake_service.receive(mail.as_bytes(), transport="pipe")
    kinds = [(t.kind, t.channel) for t in db.session.scalars(select(Ticket).order_by(Ticket.id))]
    assert kinds == [("incident", "email"), ("complaint", "email")]
    [incident] = incidents()
    assert incident.incident.device_serial == "990000862471854"
