"""The approval process: the DMN's second level, two approvers at once, the SLA escalation, the effects."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app import clock
from app.errors import Conflict
from app.extensions import db
from app.models import BillingDocument, ClaimLineVersion, OutboxMessage, Ticket, TicketEvent, TicketLink
from app.services.cases import task_service, timer_service
from app.services.claims import change_orders
from app.services.claims import claims as claim_service
from app.services.claims.lines import LineInput
from tests.conftest import user
from tests.services.claims.conftest import approval_task, decide, line_of, manual_claim

MEXICO = ZoneInfo("America/Mexico_City")


def schedule_claim() -> Ticket:
    """Lucía Hernández's sales schedule: three months of 1299.00 = 3897.00, above the 2000 threshold."""
    return claim_service.create_claim(claim_service.ClaimInput(
        channel="phone", reason_code="tarifa_incorrecta", origin="document", customer_number="C-1003",
        document_type="sales_schedule", document_number="PV-2026-10031"), user("agente"))


def test_above_the_threshold_the_supervisor_decides_after_the_approver():
    ticket = schedule_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "aprobar", "Precio mal capturado.")
    assert line_of(ticket).status == "pending"  # still waiting for the second level
    assert approval_task(ticket) is None
    decide(ticket, "aprobar", "Autorizado por supervisión.", approver="supervisor", name="aprobar_segundo_nivel")
    version = line_of(ticket).effective_version
    assert [(a["level"], a["by"], a["decision"]) for a in version.approvals] == [
        (1, "aprobador", "approved"), (2, "supervisor", "approved")]
    assert version.decision_reason == "Autorizado por supervisión."
    assert version.effect["kind"] == "adjustment"  # not an invoice: an adjustment request


def test_the_supervisor_may_reject_what_the_approver_accepted():
    ticket = schedule_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "aprobar", "Procede.")
    decide(ticket, "rechazar", "El precio es el de la promoción vigente.", approver="supervisor",
           name="aprobar_segundo_nivel")
    assert line_of(ticket).status == "rejected"
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.kind == "claim_line_decided"))
    assert event.public and "El precio es el de la promoción vigente." in event.message


def test_two_approvers_deciding_the_same_line_at_once_exactly_one_wins(app):
    ticket = manual_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    task_id = approval_task(ticket).id
    db.session.commit()
    start = threading.Barrier(2)
    outcomes = []

    def approver(username, decision):
        with app.app_context():
            start.wait()
            try:
                task_service.complete_task(task_id, {"decision": decision, "motivo": f"Decide {username}"},
                                           user(username))
                outcomes.append(("won", username))
            except Conflict as err:
                outcomes.append(("conflict", err.message))

    threads = [threading.Thread(target=approver, args=("aprobador", "aprobar")),
               threading.Thread(target=approver, args=("admin", "rechazar"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _ in outcomes) == ["conflict", "won"]
    db.session.expire_all()
    versions = db.session.scalars(select(ClaimLineVersion)).all()
    assert len(versions) == 1 and len(versions[0].approvals) == 1  # decided once
    winner = next(name for kind, name in outcomes if kind == "won")
    assert versions[0].decided_by.username == winner


def test_an_approval_not_decided_in_time_is_escalated():
    clock.freeze(datetime(2026, 12, 4, 17, tzinfo=MEXICO))  # Friday 17:00 in Mexico City
    ticket = manual_claim()
    claim_service.submit_lines(ticket.number, [], user("agente"))
    task = approval_task(ticket)
    # 24 business hours of the "horario_comercial" calendar (from the DMN): Fri 17-18, Sat 9-14, Mon and Tue 9-18
    assert task.due_at == datetime(2026, 12, 8, 18, tzinfo=MEXICO)
    clock.freeze(datetime(2026, 12, 8, 17, 59, tzinfo=MEXICO))
    timer_service.fire_due_timers()
    assert db.session.get(Ticket, ticket.id).escalated_at is None
    clock.advance(timedelta(minutes=2))
    timer_service.fire_due_timers()
    assert db.session.get(Ticket, ticket.id).escalated_at is not None
    assert approval_task(ticket) is not None  # the approver still decides it
    decide(ticket, "aprobar")
    assert line_of(ticket).status == "approved"


def test_a_claim_about_the_service_opens_a_service_order_that_opens_a_repair_ticket():
    ticket = manual_claim(reason="falla_servicio", amount="300.00")
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "aprobar", "Se confirmó la falla en la zona.")
    effect = line_of(ticket).effective_version.effect
    assert effect["kind"] == "service_order"
    order = db.session.scalar(select(BillingDocument).where(BillingDocument.number == effect["number"]))
    assert order.source == {"claim": ticket.number, "line": 1}

    repair = change_orders.open_repair_ticket(order.number, "Revisar el nodo de la colonia.", user("agente"))
    assert repair.kind == "complaint" and repair.number.startswith("Q-")
    link = db.session.scalar(select(TicketLink).where(TicketLink.ticket_id == repair.id))
    assert (link.link_type, link.target_id) == ("origen", ticket.id)  # the repair originated in the claim
    try:
        change_orders.open_repair_ticket(order.number, "", user("agente"))
    except Conflict as err:
        assert repair.number in err.message
    else:
        raise AssertionError("a service order opens one repair ticket")


def test_the_customer_is_told_each_decision_with_its_reason_by_email():
    ticket = manual_claim(amount="80.00")
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "rechazar", "El cargo corresponde a un servicio adicional contratado.")
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.subject.contains("línea 1"))).all()
    assert len(mails) == 1
    assert mails[0].recipient == "maria.lopez@example.com"
    assert "rechazada" in mails[0].subject and "servicio adicional contratado" in mails[0].body


def test_an_approved_line_edited_then_rejected_keeps_its_approved_version():
    ticket = manual_claim(amount="100.00")
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "aprobar")
    claim_service.update_line(ticket.number, line_of(ticket).id, LineInput(amount="180.00"), user("agente"))
    claim_service.submit_lines(ticket.number, [], user("agente"))
    assert line_of(ticket).status == "pending"
    decide(ticket, "rechazar", "No procede el aumento.")
    line = line_of(ticket)
    assert (line.status, line.amount, line.effective_version.number) == ("approved", Decimal("100.00"), 1)
    assert [v.decision for v in line.versions] == ["approved", "rejected"]


def test_cancelling_the_pending_change_of_an_approved_line_keeps_it_approved():
    ticket = manual_claim(amount="100.00")
    claim_service.submit_lines(ticket.number, [], user("agente"))
    decide(ticket, "aprobar")
    claim_service.update_line(ticket.number, line_of(ticket).id, LineInput(amount="150.00"), user("agente"))
    claim_service.submit_lines(ticket.number, [], user("agente"))
    claim_service.cancel_line(ticket.number, line_of(ticket).id, user("agente"))
    line = line_of(ticket)
    assert (line.status, line.amount, line.effective_version.number) == ("approved", Decimal("100.00"), 1)
    assert [v.decision for v in line.versions] == ["approved", "cancelled"]
    assert approval_task(ticket) is None
