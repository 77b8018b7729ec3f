"""Phone/social intake (seed 000, 003) and the in-app inbox (assigned to me, escalation, customer replied)."""
import re
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Customer, Notification, Ticket
from app.services.cases import timer_service
from tests.conftest import user
from tests.staff.conftest import open_complaint, ready_task, validate


def test_find_the_caller_by_number_or_phone(staff):
    agent = staff("agente")
    for caller in ("C-1002", "449 100 0002"):
        page = agent.get("/staff/intake", query_string={"caller": caller}).get_data(True)
        assert "Juan Pérez" in page and "María López" not in page, caller


def test_take_a_known_callers_complaint_and_read_back_its_number(staff):
    agent = staff("agente")
    response = agent.post("/staff/intake", {"customer_number": "C-1001", "channel": "phone",
                                            "description": "Sin internet desde la mañana", "priority": "alta"})
    number = response.location.rsplit("/", 1)[-1]
    page = agent.get(response.location).get_data(True)
    assert f'<p class="ticket-number" id="ticket-number">{number}</p>' in page
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert ticket.channel == "phone" and ticket.customer.number == "C-1001" and ticket.created_by_id


def test_register_a_new_caller_from_social_media(staff):
    agent = staff("agente")
    response = agent.post("/staff/intake", {"channel": "social", "name": "Pedro Social", "phone": "449 555 1234",
                                            "description": "Me cobraron doble"})
    number = response.location.rsplit("/", 1)[-1]
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert ticket.channel == "social" and ticket.customer.name == "Pedro Social"
    assert db.session.scalar(select(Customer.phone).where(Customer.name == "Pedro Social")) == "4495551234"


def test_intake_errors_are_next_to_their_fields_and_keep_the_input(staff):
    response = staff("agente").post("/staff/intake", {"channel": "phone", "name": "", "phone": "12",
                                                      "description": "Lento"}, expect=422)
    page = response.get_data(True)
    assert re.search(r'id="i-name".*?Escriba el nombre de quien llama', page, re.S)
    assert re.search(r'id="i-phone"[^>]*value="12".*?de 7 a 15 dígitos', page, re.S)
    assert "Lento</textarea>" in page


def test_technicians_do_not_take_calls(staff):
    staff("tecnico1").get("/staff/intake", expect=403)


def test_inbox_tells_the_technician_and_the_supervisor(staff):
    ticket = open_complaint()
    validate(ticket)
    technician = ready_task(ticket, "diagnostico").assignee
    mine = staff(technician.username)
    page = mine.get("/staff/inbox").get_data(True)
    assert f"Nueva tarea para usted: Diagnóstico, ticket {ticket.number}." in page
    assert '<span class="badge"' in page
    clock.advance(timedelta(days=10))
    assert timer_service.fire_due_timers() >= 1
    supervisor = staff("supervisor")
    inbox = supervisor.get("/staff/inbox").get_data(True)
    assert f"El ticket {ticket.number} fue escalado" in inbox
    note = db.session.scalar(select(Notification).where(Notification.user_id == user("supervisor").id))
    opened = supervisor.post(f"/staff/inbox/{note.id}")
    assert opened.location.endswith(f"/staff/tickets/{ticket.number}")
    supervisor.post("/staff/inbox/read")
    assert '<span class="badge"' not in supervisor.get("/staff/inbox").get_data(True)


def test_find_the_caller_by_name_without_accents_or_case_in_any_order(staff):
    agent = staff("agente")
    for typed in ("lopez", "LÓPEZ", "Lopez Maria", "maría"):
        page = agent.get("/staff/intake", query_string={"caller": typed}).get_data(True)
        assert "María López" in page and "Juan Pérez" not in page, typed
    for typed in ("lopez juan", "100%", "_"):  # every word must match; LIKE's wildcards are plain text
        page = agent.get("/staff/intake", query_string={"caller": typed}).get_data(True)
        assert "María López" not in page, typed
