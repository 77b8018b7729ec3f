"""The SLA engine through the real complaint diagram, with a clock the test controls: business-time
deadlines at classification, the pause while waiting on the customer, warning then escalation once each."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import HumanTask, Notification, Ticket, TicketEvent
from app.services import sla
from app.services.cases import message_service, task_service, timer_service
from tests.services.conftest import open_complaint, validate


def local(*args) -> datetime:
    return datetime(*args, tzinfo=clock.OFFICE_TZ)


def fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def ready(ticket: Ticket, name: str) -> HumanTask:
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def count_events(ticket: Ticket, kind: str) -> int:
    return db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == kind))


def test_a_low_priority_complaint_on_friday_evening_is_due_in_business_hours():
    clock.freeze(local(2026, 12, 4, 17))
    ticket = validate(open_complaint("No me llegó la factura de noviembre."), category="facturacion")
    assert ticket.priority == "baja" and ticket.sla_calendar == "horario_comercial"
    # 8 business hours to answer: Fri 17-18, Sat 9-14, Mon 9-11.
    assert ticket.response_due_at == local(2026, 12, 7, 11)
    # 36 to resolve: 1 + 5 (Sat) + 9 (Mon) + 9 (Tue) + 9 (Wed) + 3 (Thu).
    assert ticket.sla_due_at == ticket.estimated_resolution_at == local(2026, 12, 10, 12)
    assert ticket.sla_warning_at == local(2026, 12, 9, 12)  # 75 % = 27 business hours
    # The agent's validation told the customer the priority: that was the first response.
    assert ticket.first_responded_at == clock.now()
    state = sla.state(ticket)
    assert (state.response.status, state.resolution.status) == ("on_time", "on_time")
    assert ready(ticket, "diagnostico").due_at == ticket.sla_due_at


def test_a_high_priority_complaint_on_christmas_runs_on_the_24x7_calendar():
    clock.freeze(local(2026, 12, 25, 10))
    ticket = validate(open_complaint(), category="sin_servicio")
    assert ticket.priority == "alta" and ticket.sla_calendar == "24x7"
    assert ticket.response_due_at == local(2026, 12, 25, 11)
    assert ticket.sla_due_at == local(2026, 12, 25, 18)


def test_waiting_on_the_customer_pauses_the_clock_and_a_late_answer_does_not_escalate():
    clock.freeze(local(2026, 12, 7, 9))
    ticket = validate(open_complaint("Cobro duplicado en mi recibo."), category="facturacion")
    assert ticket.sla_due_at == local(2026, 12, 10, 18)  # Mon 9 + 36 business hours
    technician = ticket.assignee
    clock.freeze(local(2026, 12, 7, 10))
    task_service.complete_task(ready(ticket, "diagnostico").id, {
        "diagnosis": "Falta el folio", "outcome": "solicitar_datos", "question": "¿Cuál es su folio de pago?"},
        technician)
    ticket = fresh(ticket)
    assert ticket.status == "waiting_customer" and ticket.sla_paused_at == local(2026, 12, 7, 10)

    clock.freeze(local(2026, 12, 10, 20))  # past the original due date, still waiting: paused, not breached
    assert sla.state(ticket).resolution.status == "paused"
    assert timer_service.fire_due_timers() == 0

    clock.freeze(local(2026, 12, 11, 10))  # the answer arrives a day after the original due date
    message_service.deliver_customer_message(ticket, "Folio 12345")
    ticket = fresh(ticket)
    # Paused Mon 10:00 -> Fri 10:00 = 8 + 9 + 9 + 9 + 1 = 36 business hours, added to Thu 18:00.
    assert ticket.sla_paused_at is None and ticket.sla_paused_seconds == 36 * 3600
    assert ticket.sla_due_at == ticket.estimated_resolution_at == local(2026, 12, 16, 13)
    assert ready(ticket, "diagnostico").due_at == ticket.sla_due_at  # the new round reads the pushed date
    clock.advance(timedelta(minutes=5))
    timer_service.fire_due_timers()
    ticket = fresh(ticket)
    assert ticket.escalated_at is None and ready(ticket, "revisar_escalamiento") is None
    assert sla.state(ticket).resolution.status == "on_time"


def test_warning_then_escalation_once_each_even_over_several_timers():
    clock.freeze(local(2026, 12, 2, 8))
    ticket = validate(open_complaint(), category="sin_servicio")  # alta: 8 h on 24x7, warning at 6 h
    technician = ticket.assignee
    clock.freeze(local(2026, 12, 2, 14, 1))
    assert timer_service.fire_due_timers() == 1
    ticket = fresh(ticket)
    assert ticket.sla_warned_at == clock.now() and ticket.escalated_at is None
    assert sla.state(ticket).resolution.status == "warning"
    assert count_events(ticket, "sla_warning") == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == technician.id, Notification.kind == "sla_warning")) == 1

    clock.freeze(local(2026, 12, 2, 16, 1))
    assert timer_service.fire_due_timers() == 1
    ticket = fresh(ticket)
    assert ticket.escalated_at == clock.now() and ready(ticket, "revisar_escalamiento") is not None
    assert sla.state(ticket).resolution.status == "breached"

    # The next task of the round carries the same (already passed) warning and deadline timers.
    task_service.complete_task(ready(ticket, "diagnostico").id, {"diagnosis": "Módem", "outcome": "remota"},
                               technician)
    clock.advance(timedelta(minutes=1))
    timer_service.fire_due_timers()
    ticket = fresh(ticket)
    assert count_events(ticket, "sla_warning") == 1
    assert count_events(ticket, "escalated") == 1
    assert db.session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == "revisar_escalamiento")) == 1
