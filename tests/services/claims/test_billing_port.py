"""The billing port: documents from our database (built-in) or from a billing system over HTTP."""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import select

from app.errors import NotFound, Unavailable
from app.extensions import db
from app.models import OutboxMessage
from app.services.claims import claims as claim_service
from app.services.claims import documents
from app.services.mail import outbox_service
from tests.conftest import user
from tests.loopback_http import LoopbackServer
from tests.services.claims.conftest import decide

REMOTE_INVOICE = {
    "doc_type": "invoice", "number": "FE-9001", "issued_on": "2026-11-01", "period": "noviembre 2026",
    "total": "700.00", "status": "issued",
    "lines": [{"ref": "FE-9001-1", "position": 1, "concept": "Internet 300 Mbps", "quantity": "1",
               "unit_price": "700.00", "amount": "700.00", "period": "noviembre 2026"}]}


class BillingSystem:
    """A billing system on loopback: C-1001 has one invoice; anything else is 404."""

    def __init__(self):
        self.requests, self.posted = [], []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                system.requests.append(self.path)
                routes = {"/customers/C-1001/documents": [REMOTE_INVOICE],
                          "/customers/C-1001/documents/invoice/FE-9001": REMOTE_INVOICE}
                body = routes.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode() if body is not None else b"{}")

            def do_POST(self):
                system.posted.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.base_url

    def close(self):
        self.server.close()


@pytest.fixture
def remote_billing(app):
    system = BillingSystem()
    app.config.update(BILLING_ADAPTER="http", BILLING_URL=system.url)
    yield system
    app.config.update(BILLING_ADAPTER="builtin", BILLING_URL="")
    system.close()


def test_the_builtin_adapter_has_months_of_demo_documents_of_each_kind():
    found = documents.staff_customer_documents("C-1001", None, user("agente"))
    assert {d.doc_type for d in found} == {"invoice", "service_order", "maintenance_sales_order", "sales_order",
                                           "sales_schedule"}
    invoices = documents.staff_customer_documents("C-1001", "invoice", user("agente"))
    assert [d.period for d in invoices] == ["noviembre 2026", "octubre 2026", "septiembre 2026", "agosto 2026"]
    assert all(d.number.endswith("-1001") for d in invoices)  # only her own


def test_the_http_adapter_reads_documents_from_the_configured_url(remote_billing):
    [invoice] = documents.staff_customer_documents("C-1001", None, user("agente"))
    assert (invoice.number, invoice.lines[0].concept) == ("FE-9001", "Internet 300 Mbps")
    ticket = claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code="cobro_indebido", origin="document", customer_number="C-1001",
        document_type="invoice", document_number="FE-9001"), user("agente"))
    [line] = claim_service.get_claim(ticket.number).lines
    assert (line.document_line_ref, str(line.amount)) == ("FE-9001-1", "700.00")
    assert "/customers/C-1001/documents/invoice/FE-9001" in remote_billing.requests


def test_a_document_the_billing_system_does_not_know_is_not_found(remote_billing):
    with pytest.raises(NotFound, match="no tiene el documento FE-1"):
        documents.staff_document("C-1001", "invoice", "FE-1", user("agente"))


def test_a_billing_system_that_does_not_answer_is_a_clear_message(app):
    app.config.update(BILLING_ADAPTER="http", BILLING_URL="http://127.0.0.1:9")
    try:
        with pytest.raises(Unavailable, match="no responde"):
            documents.staff_customer_documents("C-1001", None, user("agente"))
    finally:
        app.config.update(BILLING_ADAPTER="builtin", BILLING_URL="")


def test_an_approved_invoice_line_sends_a_credit_note_request_after_commit(remote_billing):
    ticket = claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code="cobro_indebido", origin="document", customer_number="C-1001",
        document_type="invoice", document_number="FE-9001"), user("agente"))
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "aprobar", "Cobro de un mes ya pagado.")
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "billing"))
    assert row.recipient == remote_billing.url + "/credit-requests"
    outbox_service.deliver_due()
    [(path, body)] = remote_billing.posted
    assert path == "/credit-requests"
    assert body | {"reason": None} == {"kind": "credit_note", "customer": "C-1001", "claim": ticket.number, "line": 1,
                                       "version": 1, "document_type": "invoice", "document_number": "FE-9001",
                                       "amount": "700.00", "reason": None}
    assert body["reason"] == "Cobro de un mes ya pagado."
