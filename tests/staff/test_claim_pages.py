"""Staff claim pages: the list with filters, the document viewer copying a claim, the claim page with its
versions, diff, history and diagram, and the approval task beside the document line."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import BillingDocument, HumanTask, Ticket
from app.services.cases import task_service, ticket_service
from app.services.claims import claims as claim_service
from app.services.claims.lines import LineInput
from tests.conftest import user


def test_copy_a_claim_from_the_document_viewer_and_send_a_line(staff):
    agent = staff("agente")
    listing = agent.get("/staff/documents?customer=C-1001&doc_type=invoice").get_data(True)
    assert "F-202610-1001" in listing and "octubre 2026" in listing
    page = agent.get("/staff/documents/C-1001/invoice/F-202610-1001").get_data(True)
    assert "Internet hogar 100 Mbps" in page and "Copiar la reclamación del documento" in page
    document = db.session.scalar(select(BillingDocument).where(BillingDocument.number == "F-202610-1001"))
    modem = str(document.lines[1].id)
    response = agent.post("/staff/claims", {
        "customer_number": "C-1001", "document_type": "invoice", "document_number": "F-202610-1001",
        "origin": "document", "channel": "phone", "reason_code": "cobro_indebido",
        "document_line_ref": [modem], f"amount_{modem}": "45.00"})
    number = re.search(r"/staff/claims/(R-[\d-]+)", response.headers["Location"]).group(1)
    page = agent.get(f"/staff/claims/{number}").get_data(True)
    assert "Renta de módem" in page and "Borrador" in page and "Internet hogar" not in page.split("Líneas")[1].split(
        "Factura F-202610-1001")[0]

    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    line = claim_service.get_claim(number).lines[0]
    agent.post(f"/staff/claims/{number}/submit", {"line": str(line.id)})
    page = agent.get(f"/staff/claims/{number}").get_data(True)
    assert "Aprobación pendiente" in page and "Aprobar línea de reclamación" in page
    assert 'class="bpmn"' in page  # the diagram

    task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id, HumanTask.status == "ready"))
    approver = staff("aprobador")
    assert number in approver.get("/staff/tasks").get_data(True)
    task_page = approver.get(f"/staff/tasks/{task.id}").get_data(True)
    assert "importe reclamado $45.00" in task_page and "Renta de módem, $49.00" in task_page


def test_the_claim_page_shows_every_version_and_the_diff(staff):
    ticket = claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code="otro", customer_number="C-1002",
        lines=[LineInput(concept="Cargo por reconexión", amount="120.00")]), user("agente"))
    line = claim_service.get_claim(ticket.number).lines[0]
    claim_service.submit_lines(ticket.number, [], user("agente"))
    task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id, HumanTask.status == "ready"))
    task_service.complete_task(task.id, {"decision": "aprobar", "motivo": "Procede."}, user("aprobador"))
    agent = staff("agente")
    agent.post(f"/staff/claims/{ticket.number}/lines/{line.id}", {"amount": "90.00", "concept": "Cargo por reconexión"})
    page = agent.get(f"/staff/claims/{ticket.number}").get_data(True)
    assert "cambios aún sin aprobar" in page and "Efectiva: versión 1, $120.00" in page
    agent.post(f"/staff/claims/{ticket.number}/submit", {"line": str(line.id)})
    page = agent.get(f"/staff/claims/{ticket.number}").get_data(True)
    assert "<del>120.00</del> → <ins>90.00</ins>" in page
    assert "nivel 1: aprobador · Aprobado · Procede." in page


def test_the_claims_list_filters(staff):
    for customer in ("C-1001", "C-1002"):
        claim_service.create_claim(claim_service.ClaimInput(
            channel="phone", reason_code="otro", customer_number=customer,
            lines=[LineInput(concept="Cargo", amount="10.00")]), user("agente"))
    supervisor = staff("supervisor")
    page = supervisor.get("/staff/claims?customer=C-1002").get_data(True)
    assert "Juan Pérez" in page and "María López" not in page
    assert "Ninguna reclamación coincide." in supervisor.get("/staff/claims?min_amount=50").get_data(True)


def test_a_refused_action_comes_back_with_its_reason(staff):
    ticket = claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code="otro", customer_number="C-1001",
        lines=[LineInput(concept="Cargo", amount="10.00")]), user("agente"))
    agent = staff("agente")
    agent.post(f"/staff/claims/{ticket.number}/cancel")
    response = agent.post(f"/staff/claims/{ticket.number}/submit", {}, expect=302,
                          headers={"Referer": f"http://localhost/staff/claims/{ticket.number}"})
    page = agent.get(response.headers["Location"]).get_data(True)
    assert f"La reclamación {ticket.number} está cerrada." in page


def test_a_claim_from_a_call_is_linked_to_the_calls_ticket(staff):
    call = ticket_service.open_complaint(channel="phone", description="Llama por un cobro que no reconoce",
                                         actor=user("agente"), customer_number="C-1001")
    agent = staff("agente")
    page = agent.get(f"/staff/tickets/{call.number}").get_data(True)
    assert "Registrar una reclamación de esta llamada" in page
    form = agent.get(f"/staff/claims/new?customer_number=C-1001&call_ticket={call.number}").get_data(True)
    assert f'value="{call.number}"' in form
    response = agent.post("/staff/claims", {
        "customer_number": "C-1001", "origin": "call", "call_ticket": call.number, "channel": "phone",
        "reason_code": "cobro_indebido", "concept": "Cargo de instalación no contratado", "amount": "350.00"})
    number = re.search(r"/staff/claims/(R-[\d-]+)", response.headers["Location"]).group(1)
    claim = claim_service.get_claim(number)
    assert (claim.origin, claim_service.call_ticket_of(claim).number) == ("call", call.number)
    page = agent.get(f"/staff/claims/{number}").get_data(True)
    assert f'href="/staff/tickets/{call.number}"' in page and "desde una llamada" in page


def test_refused_input_on_a_staff_form_shows_every_message(staff):
    agent = staff("agente")
    response = agent.post("/staff/claims", {"customer_number": "C-1001", "channel": "phone", "reason_code": "otro",
                                            "concept": "Cargo", "amount": "-5"},
                          headers={"Referer": "http://localhost/staff/claims/new"})
    page = agent.get(response.headers["Location"]).get_data(True)
    assert "El importe debe ser mayor que cero." in page


def test_a_change_order_from_the_documents_page(staff):
    agent = staff("agente")
    page = agent.get("/staff/documents?customer=C-1002").get_data(True)
    assert "Orden de cambio de servicio" in page and "Cambio de domicilio" in page
    response = agent.post("/staff/change-orders", {"customer_number": "C-1002", "type_code": "upgrade",
                                                   "description": "Subir a 200 Mbps"})
    page = agent.get(response.headers["Location"]).get_data(True)
    assert "Orden de servicio" in page and "Abrir un ticket de reparación" in page
    response = agent.post("/staff/change-orders", {"customer_number": "C-1002", "description": "Sin tipo"},
                          headers={"Referer": "http://localhost/staff/documents?customer=C-1002"})
    page = agent.get(response.headers["Location"]).get_data(True)
    assert "Establezca el tipo de la orden de cambio de servicio." in page
