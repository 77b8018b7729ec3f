"""The claims API: operationIds, documents, a claim from file to decision, and 404/409/422 in Spanish."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import BillingDocument

OPERATIONS = {"listCustomerDocuments", "createClaim", "getClaim", "listClaims", "updateClaimLine",
              "submitClaimLines", "cancelClaim", "cancelClaimLine"}


def modem_line_ref(number: str = "F-202610-1001") -> str:
    document = db.session.scalar(select(BillingDocument).where(BillingDocument.number == number))
    return str(document.lines[1].id)  # Renta de módem, 49.00


def test_the_openapi_document_names_every_claim_operation(api):
    spec = api.get("/openapi.json", None).json
    found = {op.get("operationId") for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)}
    assert found >= OPERATIONS


def test_documents_claim_send_and_decide_through_the_task_endpoints(api):
    documents = api.get("/customers/C-1001/documents", "agente", query_string={"doc_type": "invoice"}).json
    assert [d["number"] for d in documents["documents"]][:2] == ["F-202611-1001", "F-202610-1001"]

    created = api.post("/claims", "agente", expect=201, json={
        "customer_number": "C-1001", "channel": "phone", "origin": "document", "reason_code": "cobro_indebido",
        "document_type": "invoice", "document_number": "F-202610-1001",
        "lines": [{"document_line_ref": modem_line_ref(), "amount": "49.00"}]}).json
    number = created["number"]
    assert number.startswith("R-") and created["lines"][0]["status_label"] == "Borrador"
    line_id = created["lines"][0]["id"]

    changed = api.call("PATCH", f"/claims/{number}/lines/{line_id}", "agente", json={"amount": "40.00"}).json
    assert changed["lines"][0]["amount"] == "40.00"
    sent = api.post(f"/claims/{number}/submit", "agente", json={}).json
    assert sent["lines"][0]["status_label"] == "Aprobación pendiente"
    assert sent["lines"][0]["versions"][0]["amount"] == "40.00"

    api.complete("aprobador", number, "Aprobar línea de reclamación",
                 {"decision": "aprobar", "motivo": "El módem es propiedad del cliente."})
    claim = api.get(f"/claims/{number}", "supervisor").json
    assert claim["lines"][0]["status"] == "approved" and claim["lines"][0]["effective_version"] == 1
    assert claim["lines"][0]["versions"][0]["effect"]["kind"] == "credit_note"
    listed = api.get("/claims", "supervisor", query_string={"status": "approved", "approver": "aprobador"}).json
    assert [c["number"] for c in listed["claims"]] == [number]


def test_another_customers_document_is_404_in_spanish(api):
    response = api.post("/claims", "agente", expect=404, json={
        "customer_number": "C-1001", "channel": "phone", "origin": "document", "reason_code": "cobro_indebido",
        "document_type": "invoice", "document_number": "F-202610-1002"})
    assert response.json["message"] == "El cliente no tiene el documento F-202610-1002."


def test_claiming_more_than_the_document_line_is_422_in_spanish(api):
    response = api.post("/claims", "agente", expect=422, json={
        "customer_number": "C-1001", "channel": "phone", "origin": "document", "reason_code": "cobro_indebido",
        "document_type": "invoice", "document_number": "F-202610-1001",
        "lines": [{"document_line_ref": modem_line_ref(), "amount": "50.00"}]})
    assert response.json["errors"]["lines.0.amount"] == [
        "El importe reclamado (50.00) supera el importe de la línea del documento (49.00)."]


def test_a_forbidden_transition_is_409_in_spanish(api):
    created = api.post("/claims", "agente", expect=201, json={
        "customer_number": "C-1002", "channel": "phone", "reason_code": "otro",
        "lines": [{"concept": "Cargo por reconexión", "amount": "120.00"}]}).json
    number, line_id = created["number"], created["lines"][0]["id"]
    api.post(f"/claims/{number}/submit", "agente", json={"lines": [line_id]})
    response = api.call("PATCH", f"/claims/{number}/lines/{line_id}", "agente", expect=409, json={"amount": "1"})
    assert "en espera de aprobación" in response.json["message"]
    api.complete("aprobador", number, "Aprobar línea de reclamación", {"decision": "rechazar", "motivo": "No procede."})
    response = api.post(f"/claims/{number}/submit", "agente", expect=409, json={"lines": [line_id]})
    assert "no se puede volver a enviar" in response.json["message"]
    response = api.post(f"/claims/{number}/lines/{line_id}/cancel", "agente", expect=409)
    assert response.json["message"] == "La línea 1 ya fue decidida: ya no se puede cancelar."
    response = api.post(f"/claims/{number}/cancel", "agente", expect=409)
    assert "ya fueron decididas" in response.json["message"]


def test_bad_input_is_422_field_by_field(api):
    response = api.post("/claims", "agente", expect=422, json={
        "customer_number": "C-1001", "channel": "fax", "reason_code": "no_existe", "lines": [{"amount": "-3"}]})
    assert set(response.json["errors"]) >= {"channel", "lines.0.amount"}  # a negative amount is refused at the edge
    response = api.post("/claims", "agente", expect=422, json={
        "customer_number": "C-1001", "channel": "phone", "reason_code": "no_existe",
        "lines": [{"concept": "x", "amount": "3"}]})
    assert response.json["errors"]["reason_code"] == ["Elija uno de los motivos de reclamación."]


def test_a_technician_may_not_file_claims(api):
    response = api.post("/claims", "tecnico1", expect=403, json={
        "customer_number": "C-1001", "channel": "phone", "reason_code": "otro",
        "lines": [{"concept": "x", "amount": "1"}]})
    assert response.json["message"] == "Usted no puede trabajar con reclamaciones."
