"""Portal forms are sent once (app/once_forms.py, issue 13): a double click registers one incident, one answer."""
from __future__ import annotations

from tests.portal.helpers import request_details, validate
from tests.portal.test_portal_incidents import incidents, register
from tests.portal.test_portal_tickets import new_complaint, only_ticket
from tests.staff.test_forms_sent_once import events


def test_an_incident_sent_twice_is_registered_once(customer):
    c = customer("C-1001")
    first = register(c, form_token="incident-1")
    again = register(c, form_token="incident-1")
    assert first.location == again.location and len(incidents()) == 1


def test_an_answer_sent_twice_is_kept_once(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = only_ticket()
    request_details(validate(ticket))
    for _ in range(2):
        c.post(f"/portal/tickets/{ticket.number}/messages", {"text": "Sigue igual", "form_token": "answer-1"},
               expect=303)
    assert events(ticket.id, "customer_message") == 1
