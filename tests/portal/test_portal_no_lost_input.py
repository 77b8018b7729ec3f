"""The portal's new-complaint form: one ticket per form, Post/Redirect/Get (issue 13)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Ticket


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_the_portal_form_redirects_after_success_and_replays_a_resubmission(customer):
    c = customer("C-1001")
    data = {"service_address": "Av. Universidad 100", "category": "sin_servicio", "preferred_contact": "email",
            "contact": "maria.lopez@example.com", "description": "Sin internet desde ayer, módem en rojo.",
            "form_token": "tok-6"}
    first = c.post("/portal/tickets/new", data, expect=303)
    again = c.post("/portal/tickets/new", data, expect=303)
    assert first.location == again.location and count() == 1
    page = c.get(first.location).get_data(True)
    number = db.session.scalar(select(Ticket.number))
    assert number in page
