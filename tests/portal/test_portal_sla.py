"""The customer's ticket page shows the fecha máxima de respuesta and the estimated resolution, which stops
while the company waits for his answer."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Ticket
from app.services.cases import message_service
from tests.portal.conftest import EMAILS
from tests.portal.helpers import request_details, validate
from tests.portal.test_portal_tickets import new_complaint

OFFICE = clock.OFFICE_TZ


def test_the_customer_sees_his_deadlines_and_the_pause(customer):
    clock.freeze(datetime(2026, 12, 4, 17, tzinfo=OFFICE))  # a Friday, 17:00 in Mexico City
    c = customer("C-1001")
    new_complaint(c, category="facturacion", description="Me cobraron dos veces el mes de noviembre.")
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "Fecha máxima de respuesta" not in page  # not classified yet

    ticket = validate(ticket, category="facturacion")
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "Fecha máxima de respuesta" in page and "7 dic 2026, 11:00" in page  # 8 business hours
    assert "(respondido el 4 dic 2026, 17:00)" in page
    assert "10 dic 2026, 12:00" in page  # estimated resolution: 36 business hours

    request_details(ticket)
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "(en pausa mientras esperamos su respuesta)" in page
    clock.freeze(datetime(2026, 12, 7, 10, tzinfo=OFFICE))  # Monday 10:00: paused Fri 17-18, Sat 9-14, Mon 9-10
    message_service.deliver_customer_message(ticket, "Folio 991")
    c.login(EMAILS["C-1001"])  # signed out by the weekend's idle time
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "(en pausa mientras esperamos su respuesta)" not in page
    assert re.search(r'id="resolution-due">11 dic 2026, 10:00<', page)  # Thu 12:00 + 7 business hours
