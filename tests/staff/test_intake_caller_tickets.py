"""Atender llamada: a caller picked shows his open and recent tickets with their state and links."""
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import Ticket
from tests.staff.conftest import open_complaint


def test_a_found_caller_shows_his_open_and_closed_tickets(staff):
    open_one = open_complaint(customer_number="C-1001")
    closed = open_complaint(customer_number="C-1001")
    someone_else = open_complaint(customer_number="C-1002")
    db.session.execute(update(Ticket).where(Ticket.id == closed.id).values(status="closed", closed_at=clock.now()))
    db.session.commit()
    page = staff("agente").get("/staff/intake", query_string={"customer_number": "C-1001"}).get_data(True)
    section = page[page.index('id="caller-tickets"'):page.index('id="complaint-title"')]
    assert "Tickets de María López" in section
    assert f'href="/staff/tickets/{open_one.number}"' in section and f'href="/staff/tickets/{closed.number}"' in section
    assert section.index(open_one.number) < section.index(closed.number)  # open ones first
    assert "Recibida" in section and "Cerrada" in section and "cerrado el" in section
    assert someone_else.number not in section
    assert "/staff/tickets?customer=C-1001" in section


def test_a_caller_without_tickets_is_told_so(staff):
    page = staff("agente").get("/staff/intake", query_string={"customer_number": "C-1003"}).get_data(True)
    assert "Sin tickets anteriores." in page
