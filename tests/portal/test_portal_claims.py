"""The customer's claims in the área de cliente: only his invoices and claims, filing one, its decisions."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import BillingDocument, ClaimLine, HumanTask, Ticket
from app.services.cases import task_service
from tests.conftest import user


def line_refs(number: str) -> list[str]:
    document = db.session.scalar(select(BillingDocument).where(BillingDocument.number == number))
    return [str(line.id) for line in document.lines]


def test_file_a_claim_on_his_invoice_and_follow_the_decision(customer):
    maria = customer("C-1001")
    page = maria.get("/portal/claims").get_data(True)
    assert "F-202610-1001" in page and "F-202610-1002" not in page  # only his invoices
    plan, _modem = line_refs("F-202610-1001")
    response = maria.post("/portal/invoices/F-202610-1001/claim", {
        "line": [plan], f"amount_{plan}": "100.00", "reason_code": "falla_servicio",
        "notes": "Estuve sin internet una semana."})
    number = re.search(r"/portal/claims/(R-[\d-]+)", response.headers["Location"]).group(1)
    page = maria.get(f"/portal/claims/{number}").get_data(True)
    assert "Aprobación pendiente" in page and "$100.00" in page

    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert (ticket.channel, ticket.created_by_id) == ("portal", None)
    task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id, HumanTask.status == "ready"))
    task_service.complete_task(task.id, {"decision": "aprobar", "motivo": "Confirmamos la falla en su zona."},
                               user("aprobador"))
    page = maria.get(f"/portal/claims/{number}").get_data(True)
    assert "Aprobado" in page and "Confirmamos la falla en su zona." in page
    state = maria.get(f"/portal/tickets/{number}/state").json
    assert any("fue aprobada: Confirmamos la falla en su zona." in e["message"] for e in state["events"])


def test_another_customers_invoice_and_claim_are_not_found(customer):
    juan = customer("C-1002")
    juan.get("/portal/invoices/F-202610-1001/claim", expect=404)
    maria = customer("C-1001")
    plan, _modem = line_refs("F-202610-1001")
    response = maria.post("/portal/invoices/F-202610-1001/claim", {"line": [plan], "reason_code": "cobro_indebido"})
    number = response.headers["Location"].rsplit("/", 1)[1]
    juan.get(f"/portal/claims/{number}", expect=404)


def test_bad_input_comes_back_in_spanish_and_files_nothing(customer):
    maria = customer("C-1001")
    plan, _modem = line_refs("F-202610-1001")
    page = maria.post("/portal/invoices/F-202610-1001/claim", {
        "line": [plan], f"amount_{plan}": "9999", "reason_code": "cobro_indebido"}, expect=422).get_data(True)
    assert "supera el importe de la línea del documento" in page
    page = maria.post("/portal/invoices/F-202610-1001/claim", {"reason_code": "cobro_indebido"},
                      expect=422).get_data(True)
    assert "Elija al menos una línea de la factura." in page
    assert db.session.scalar(select(ClaimLine.id)) is None
