"""Claims on the demo documents: open them, send lines, decide the approval tasks as real users."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import BillingDocument, ClaimLine, HumanTask, Ticket
from app.services.cases import task_service
from app.services.claims import claims as claim_service
from app.services.claims.lines import LineInput
from tests.conftest import user

INVOICE = "F-202610-1001"  # María López (C-1001), October 2026: plan 549.00 + modem 49.00


def invoice_line_refs(number: str = INVOICE) -> list[str]:
    document = db.session.scalar(select(BillingDocument).where(BillingDocument.number == number))
    return [str(line.id) for line in document.lines]


def copy_claim(number: str = INVOICE, customer: str = "C-1001", actor: str = "agente", lines=None,
               reason: str = "cobro_indebido") -> Ticket:
    return claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code=reason, origin="document", customer_number=customer,
        document_type="invoice", document_number=number, lines=lines or []), user(actor))


def manual_claim(amount="150.00", reason="otro", actor="agente") -> Ticket:
    return claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code=reason, customer_number="C-1001",
        lines=[LineInput(concept="Cargo no reconocido", amount=amount)]), user(actor))


def line_of(ticket: Ticket, position: int = 1) -> ClaimLine:
    db.session.expire_all()
    return db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == ticket.id, ClaimLine.position == position))


def approval_task(ticket: Ticket, name: str = "aprobar_linea") -> HumanTask | None:
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def decide(ticket: Ticket, decision: str, reason: str = "Revisado contra la factura.", approver: str = "aprobador",
           name: str = "aprobar_linea") -> HumanTask:
    task = approval_task(ticket, name)
    data = ({"decision": decision, "motivo": reason} if name == "aprobar_linea"
            else {"decision_supervision": decision, "motivo_supervision": reason})
    return task_service.complete_task(task.id, data, user(approver))
