"""The customer chooses the visit's slot in her área de cliente, among the field team's free slots, and may
move it once; the freed seat is offered again and the second move sends her to the phone."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import HumanTask, OutboxMessage, Ticket, TicketEvent, Visit
from app.services.cases import task_service, timer_service
from app.services.visits import slots
from tests.conftest import user
from tests.staff.conftest import open_complaint, ready_task, validate

ADDRESS = "Av. Universidad 100, int. 2, Aguascalientes"
MONDAY_10AM = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 10:00 in Mexico City, a working Monday


def needs_visit(number: str = "C-1001") -> Ticket:
    ticket = open_complaint(customer_number=number, service_address=ADDRESS)
    validate(ticket, category="equipo")
    diagnosis = ready_task(ticket, "diagnostico")
    task_service.complete_task(diagnosis.id, {"diagnosis": "Fuente del módem dañada", "outcome": "visita"},
                               diagnosis.assignee)
    return db.session.get(Ticket, ticket.id)


def seats(team: str = "campo") -> dict[str, int]:
    return {slot.value: slot.free for slot in slots.free_slots(team)}


def test_the_customer_picks_a_slot_then_moves_it_once(customer):
    maria = customer("C-1001")
    ticket = needs_visit()
    assert ready_task(ticket, "coordinar_visita") is None  # she has an área de cliente: she chooses
    choose = ready_task(ticket, "elegir_visita")
    asked = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                          OutboxMessage.subject.contains("Elija la fecha")))
    assert ADDRESS in asked.body and "le llamaremos" in asked.body
    page = maria.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "Elegir fecha de la visita" in page
    page = maria.get(f"/portal/tickets/{ticket.number}/tasks/{choose.id}").get_data(True)
    free = slots.free_slots("campo")
    assert free and all(slot.day.weekday() != 6 for slot in free)  # the field team does not work on Sundays
    assert f'name="visit_slot" value="{free[0].value}"' in page
    assert 'type="date"' not in page  # a slot is chosen from the list, not typed
    first, second = free[0], free[1]
    before = seats()
    maria.post(f"/portal/tickets/{ticket.number}/tasks/{choose.id}", {"visit_slot": first.value}, expect=302)
    db.session.expire_all()
    visit = db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id))
    assert (visit.status, visit.day, visit.window, visit.booked_by) == ("scheduled", first.day, first.window,
                                                                         "cliente")
    assert db.session.get(Ticket, ticket.id).status == "visit_scheduled"
    assert seats().get(first.value, 0) == before[first.value] - 1
    assert ready_task(ticket, "visita_in_situ").candidate_team == "campo"

    page = maria.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert 'id="reschedule-link"' in page
    refused = maria.post(f"/portal/tickets/{ticket.number}/visit", {"visit_slot": "2020-01-01 09:00-13:00"},
                         expect=422).get_data(True)
    assert "La fecha de la visita 01/01/2020 ya pasó: elija una fecha posterior." in refused
    maria.post(f"/portal/tickets/{ticket.number}/visit", {"visit_slot": second.value}, expect=303)
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert (visit.day, visit.window, visit.reschedule_count) == (second.day, second.window, 1)
    assert seats()[first.value] == before[first.value]  # the freed seat is free again
    moved = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.kind == "visit_rescheduled"))
    assert moved.public
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                         OutboxMessage.subject.contains("Cambiamos la fecha")))
    assert ADDRESS in mail.body

    page = maria.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert 'id="reschedule-link"' not in page
    assert "Ya cambió una vez la fecha de esta visita. Para cambiarla de nuevo, llámenos al 449 142 0327." in page
    maria.post(f"/portal/tickets/{ticket.number}/visit", {"visit_slot": first.value}, expect=302)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).day == second.day  # a second move is refused


def test_another_customer_cannot_move_the_visit(customer):
    juan = customer("C-1002")
    ticket = needs_visit("C-1001")
    juan.get(f"/portal/tickets/{ticket.number}/visit", expect=404)


def test_a_full_slot_is_neither_offered_nor_booked(customer):
    customer("C-1001")
    ticket = needs_visit()
    slot = slots.free_slots("campo")[0]
    for _seat in range(slot.free):  # other customers take every seat of the slot
        other = open_complaint(customer_number="C-1002")
        db.session.add(Visit(ticket_id=other.id, team_code="campo", status="scheduled", day=slot.day,
                             window=slot.window))
    db.session.commit()
    assert slot.value not in seats()
    choose = ready_task(ticket, "elegir_visita")
    with pytest.raises(ValidationFailed) as refused:  # the supervisor, on the phone with her
        task_service.complete_task(choose.id, {"visit_date": slot.day.isoformat(), "visit_window": slot.window},
                                   user("supervisor"))
    assert refused.value.errors == {"visit_window": [
        f"El horario del {slot.day:%d/%m/%Y} de {slot.window.replace('-', ' a ')} ya está lleno: elija otro."]}
    assert ready_task(ticket, "elegir_visita") is not None


def test_the_contact_center_calls_when_she_does_not_choose_in_four_business_hours(customer):
    clock.freeze(MONDAY_10AM)
    customer("C-1001")
    ticket = needs_visit()
    choose = ready_task(ticket, "elegir_visita")
    assert choose.due_at == MONDAY_10AM + timedelta(hours=4)  # horario_comercial: Monday 9 to 18
    clock.freeze(MONDAY_10AM + timedelta(hours=3, minutes=59))
    timer_service.fire_due_timers()
    assert ready_task(ticket, "coordinar_visita") is None
    clock.freeze(MONDAY_10AM + timedelta(hours=4, minutes=1))
    timer_service.fire_due_timers()
    db.session.expire_all()
    assert db.session.get(HumanTask, choose.id).status == "cancelled"
    call = ready_task(ticket, "coordinar_visita")
    assert call.lane == "Contact center"
