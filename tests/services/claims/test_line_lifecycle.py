"""Every transition of a claim line, and every forbidden one refused with a clear Spanish message."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import BillingRequest, ClaimLineVersion, OutboxMessage, Ticket
from app.services.cases import task_service
from app.services.claims import claims as claim_service
from app.services.claims.lines import LineInput
from tests.conftest import user
from tests.services.claims.conftest import approval_task, copy_claim, decide, invoice_line_refs, line_of, manual_claim


def test_a_copied_claim_carries_the_documents_lines_with_their_amounts():
    ticket = copy_claim()
    assert ticket.number.startswith("R-")
    claim = claim_service.get_claim(ticket.number)
    assert [(ln.concept, ln.amount, ln.status) for ln in claim.lines] == [
        ("Internet hogar 100 Mbps", Decimal("549.00"), "draft"), ("Renta de módem", Decimal("49.00"), "draft")]
    assert claim.document_number == "F-202610-1001" and claim.origin == "document"
    assert ticket.status == "open"


def test_send_approve_then_edit_makes_a_new_version_and_the_approved_one_stays_effective():
    ticket = copy_claim(lines=[LineInput(document_line_ref=invoice_line_refs()[0], amount="200.00")])
    claim_service.submit_lines(ticket.number, [], user("agente"))
    line = line_of(ticket)
    assert line.status == "pending" and line.status_label == "Aprobación pendiente"
    assert db.session.get(Ticket, ticket.id).status == "in_approval"
    assert "Internet hogar 100 Mbps" in approval_task(ticket).instructions
    assert "$549.00" in approval_task(ticket).instructions  # the document line beside the snapshot

    decide(ticket, "aprobar", "Se cobró una semana sin servicio.")
    line = line_of(ticket)
    assert line.status == "approved" and line.status_label == "Aprobado"
    first = line.effective_version
    assert (first.number, first.amount, first.decision, first.decided_by.username) == (
        1, Decimal("200.00"), "approved", "aprobador")
    request = db.session.scalar(select(BillingRequest).where(BillingRequest.claim_line_version_id == first.id))
    assert (request.kind, request.amount) == ("credit_note", Decimal("200.00"))
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                          OutboxMessage.channel == "email")).all()
    assert any("Se cobró una semana sin servicio." in m.body and "aprobada" in m.body for m in mail)

    claim_service.update_line(ticket.number, line.id, LineInput(amount="250.00"), user("agente"))
    line = line_of(ticket)
    assert line.status == "approved" and line.edited and line.amount == Decimal("250.00")
    assert line.effective_version.amount == Decimal("200.00")  # the approved version stays effective

    claim_service.submit_lines(ticket.number, [line.id], user("agente"))
    decide(ticket, "aprobar", "Ajuste al periodo completo.")
    line = line_of(ticket)
    assert [v.amount for v in line.versions] == [Decimal("200.00"), Decimal("250.00")]
    assert line.effective_version.number == 2
    assert line.versions[0].amount == Decimal("200.00")  # what was approved first is kept


def test_a_rejected_line_is_final():
    ticket = manual_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "rechazar", "El cargo es correcto según el contrato.")
    line = line_of(ticket)
    assert line.status_label == "Rechazado"
    assert db.session.get(Ticket, ticket.id).status == "decided"
    with pytest.raises(Conflict, match="no se puede volver a enviar"):
        claim_service.submit_lines(ticket.number, [line.id], user("agente"))


def test_a_pending_line_cannot_be_edited():
    ticket = manual_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    with pytest.raises(Conflict, match="en espera de aprobación"):
        claim_service.update_line(ticket.number, line_of(ticket).id, LineInput(amount="10"), user("agente"))


def test_a_cancelled_line_cannot_be_approved_its_task_is_gone():
    ticket = manual_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    task = approval_task(ticket)
    claim_service.cancel_line(ticket.number, line_of(ticket).id, user("agente"))
    assert line_of(ticket).status == "cancelled"
    assert approval_task(ticket) is None
    with pytest.raises(Conflict):
        task_service.complete_task(task.id, {"decision": "aprobar", "motivo": "x"}, user("aprobador"))
    assert db.session.get(Ticket, ticket.id).status == "cancelled"  # its only line was cancelled


def test_a_line_cannot_be_decided_twice():
    ticket = manual_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    task = approval_task(ticket)
    decide(ticket, "aprobar")
    with pytest.raises(Conflict):
        task_service.complete_task(task.id, {"decision": "rechazar", "motivo": "x"}, user("aprobador"))
    with pytest.raises(Conflict, match="ya fue decidida"):
        claim_service.cancel_line(ticket.number, line_of(ticket).id, user("agente"))


def test_nobody_approves_a_claim_he_created():
    ticket = manual_claim(actor="admin")  # an admin may work every lane, but not decide his own claim
    claim_service.submit_lines(ticket.number, [], user("admin"))
    task = approval_task(ticket)
    with pytest.raises(Forbidden, match="usted registró"):
        task_service.complete_task(task.id, {"decision": "aprobar", "motivo": "Yo mismo"}, user("admin"))
    decide(ticket, "aprobar")  # someone else may


def test_never_claim_more_than_the_document_line_nor_what_other_claims_leave():
    ref = invoice_line_refs()[1]  # modem rent, 49.00
    with pytest.raises(ValidationFailed) as refused:
        copy_claim(lines=[LineInput(document_line_ref=ref, amount="60.00")])
    assert "supera el importe de la línea del documento" in str(refused.value.errors)
    copy_claim(lines=[LineInput(document_line_ref=ref, amount="30.00")])
    with pytest.raises(ValidationFailed) as refused:
        copy_claim(lines=[LineInput(document_line_ref=ref, amount="20.00")])
    assert "19.00" in str(refused.value.errors)
    assert db.session.scalar(select(ClaimLineVersion.id)) is None


def test_a_claim_on_another_customers_document_is_not_found():
    with pytest.raises(NotFound):
        copy_claim(number="F-202610-1002", customer="C-1001")


def test_cancel_a_claim_before_any_line_is_decided():
    ticket = copy_claim()
    claim_service.submit_lines(ticket.number, [line_of(ticket).id], user("agente"))
    claim_service.cancel_claim(ticket.number, user("agente"))
    assert {ln.status for ln in claim_service.get_claim(ticket.number).lines} == {"cancelled"}
    assert db.session.get(Ticket, ticket.id).status == "cancelled"
    assert approval_task(ticket) is None


def test_a_claim_with_a_decided_line_cannot_be_cancelled_whole():
    ticket = copy_claim()
    claim_service.submit_lines(ticket.number, [line_of(ticket).id], user("agente"))
    decide(ticket, "aprobar")
    with pytest.raises(Conflict, match="ya fueron decididas"):
        claim_service.cancel_claim(ticket.number, user("agente"))
    claim_service.cancel_line(ticket.number, line_of(ticket, 2).id, user("agente"))
    assert db.session.get(Ticket, ticket.id).status == "decided"  # its other line was decided
