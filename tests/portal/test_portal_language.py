"""A customer's language (issue 13): his stored choice wins over his browser's; mail stays Spanish."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import CustomerAccount, OutboxMessage


def test_a_customer_switches_to_english_over_his_browser_and_mail_stays_spanish(app, customer):
    c = customer("C-1001")
    c.post("/portal/language", {"language": "en", "back": "/portal/tickets"})
    assert db.session.scalar(select(CustomerAccount.language)) == "en"
    page = c.get("/portal/tickets", headers={"Accept-Language": "es-MX"}).get_data(True)
    assert '<html lang="en">' in page and "My tickets" in page
    c.refresh_token("/portal/tickets/new")
    c.post("/portal/tickets/new", {"service_address": "Av. Universidad 100", "category": "sin_servicio",
                                   "preferred_contact": "email", "contact": "maria.lopez@example.com",
                                   "description": "Sin internet desde ayer, módem en rojo."}, expect=303)
    mail = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert "] Hemos recibido su " in mail.subject and "Estimado(a) María López" in mail.body


def test_what_an_english_customer_writes_down_for_the_staff_stays_spanish(customer):
    from app.models import Ticket, TicketEvent

    c = customer("C-1001")
    c.post("/portal/language", {"language": "en"})
    c.refresh_token("/portal/tickets/new")
    c.post("/portal/tickets/new", {"service_address": "Av. Universidad 100", "category": "sin_servicio",
                                   "preferred_contact": "email", "contact": "maria.lopez@example.com",
                                   "description": "Sin internet desde ayer, módem en rojo."}, expect=303)
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    lines = db.session.scalars(select(TicketEvent.message).where(TicketEvent.ticket_id == ticket.id)).all()
    spanish_page = c.get(f"/portal/tickets/{ticket.number}", headers={"Accept-Language": "es"})
    assert lines and spanish_page.status_code == 200
    english = [line for line in lines if line and ("opened" in line.lower() or "received" in line.lower())]
    assert english == [], lines
