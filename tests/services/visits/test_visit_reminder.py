"""The visit's reminder: one e-mail through the outbox and the real SMTP server, on the field team's business
day before the visit, with the date, the time window and the service address; again after a move."""
from datetime import UTC, date, datetime, timedelta

from app import clock
from app.businesstime import calendar as calendars
from app.extensions import db
from app.models import Ticket, Visit
from app.services.cases import task_service
from app.services.visits import booking
from app.worker import sweep
from tests.conftest import user
from tests.staff.conftest import open_complaint, ready_task, validate

ADDRESS = "Calle Madero 25, depto. 3, Aguascalientes"
MONDAY_10AM = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 10:00 in Mexico City
WEDNESDAY_9AM = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # the field team opens at 9:00


def booked_for_thursday() -> Ticket:
    """C-1002 has no área de cliente: the agent books Thursday 10/12/2026 from 9 to 13 on the phone."""
    clock.freeze(MONDAY_10AM)
    ticket = open_complaint(customer_number="C-1002", service_address=ADDRESS)
    validate(ticket, category="equipo")
    diagnosis = ready_task(ticket, "diagnostico")
    task_service.complete_task(diagnosis.id, {"diagnosis": "Fuente dañada", "outcome": "visita"},
                               diagnosis.assignee)
    task_service.complete_task(ready_task(ticket, "coordinar_visita").id,
                               {"visit_date": "2026-12-10", "visit_window": "09:00-13:00"}, user("agente"))
    return ticket


def reminders(smtp) -> list:
    return [m for m in smtp.inbox.messages if "Recordatorio" in m["Subject"]]


def test_one_reminder_the_business_day_before_with_date_window_and_address(app, smtp):
    ticket = booked_for_thursday()
    sweep(app)
    clock.freeze(WEDNESDAY_9AM - timedelta(minutes=1))
    sweep(app)
    assert reminders(smtp) == []
    clock.freeze(WEDNESDAY_9AM)
    sweep(app)
    clock.advance(timedelta(minutes=5))
    sweep(app)  # the next sweeps find nothing more to remind
    sent = reminders(smtp)
    assert len(sent) == 1
    mail = sent[0]
    assert mail["To"] == "juan.perez@example.com"
    assert mail["Subject"] == (f"[{ticket.number}] Recordatorio: visita técnica el jueves 10 de diciembre de 2026, "
                               "de 09:00 a 13:00 h")
    body = mail.get_content()
    assert "Fecha: jueves 10 de diciembre de 2026" in body
    assert "Horario: de 09:00 a 13:00 h" in body
    assert f"Dirección: {ADDRESS}" in body


def test_a_monday_visit_is_reminded_on_saturday_when_the_field_team_works(app, smtp):
    ticket = booked_for_thursday()
    visit = db.session.query(Visit).filter_by(ticket_id=ticket.id).one()
    visit.day = date(2026, 12, 14)  # moved to Monday 14/12 (as the portal does)
    visit.starts_at, visit.ends_at = calendars.window_bounds(visit.day, visit.window)
    db.session.commit()
    clock.freeze(datetime(2026, 12, 12, 15, 0, tzinfo=UTC))  # Saturday 9:00: the field team works until 13
    sweep(app)
    assert len(reminders(smtp)) == 1
    assert "lunes 14 de diciembre de 2026" in reminders(smtp)[0]["Subject"]


def test_a_move_after_the_reminder_re_arms_it_for_the_new_date(app, smtp):
    ticket = booked_for_thursday()
    clock.freeze(WEDNESDAY_9AM)
    sweep(app)
    clock.freeze(WEDNESDAY_9AM + timedelta(hours=1))
    booking.reschedule(ticket.customer_id, ticket.number, "2026-12-15", "13:00-17:00")  # Tuesday 15/12
    sweep(app)
    clock.freeze(datetime(2026, 12, 14, 15, 0, tzinfo=UTC))  # Monday 9:00
    sweep(app)
    sweep(app)
    assert [m["Subject"].split(": ", 1)[1] for m in reminders(smtp)] == [
        "visita técnica el jueves 10 de diciembre de 2026, de 09:00 a 13:00 h",
        "visita técnica el martes 15 de diciembre de 2026, de 13:00 a 17:00 h"]
