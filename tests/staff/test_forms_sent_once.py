"""Every state-changing staff and portal form is sent once (app/once_forms.py, issue 13): a double click or Back
+ resubmit with the same one-time token replays the first answer; a refused form leaves its token usable."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import TicketEvent
from tests.staff.conftest import open_complaint

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def events(ticket_id: int, kind: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(TicketEvent)
                             .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind))


def test_every_staff_form_drawn_with_csrf_carries_a_one_time_token(staff):
    ticket = open_complaint()
    page = staff("supervisor").get(f"/staff/tickets/{ticket.number}").get_data(True)
    forms = page.count('name="csrf_token"')
    tokens = TOKEN.findall(page)
    assert forms > 3 and len(tokens) >= forms - 2  # all but the top bar's sign-out and language switch
    assert len(set(tokens)) == len(tokens)


def test_a_comment_sent_twice_with_one_token_is_kept_once(staff):
    ticket = open_complaint()
    agent = staff("agente")
    form = {"text": "Cliente llamó de nuevo", "form_token": "comment-1"}
    first = agent.post(f"/staff/tickets/{ticket.number}/comments", form)
    again = agent.post(f"/staff/tickets/{ticket.number}/comments", form)
    assert first.location == again.location and events(ticket.id, "comment") == 1
    agent.post(f"/staff/tickets/{ticket.number}/comments", {**form, "form_token": "comment-2"})
    assert events(ticket.id, "comment") == 2


def test_a_refused_comment_leaves_its_token_usable(staff):
    ticket = open_complaint()
    agent = staff("agente")
    agent.post(f"/staff/tickets/{ticket.number}/comments", {"text": " ", "form_token": "comment-3"})
    agent.post(f"/staff/tickets/{ticket.number}/comments", {"text": "Ahora sí", "form_token": "comment-3"})
    assert events(ticket.id, "comment") == 1
