"""Self-service follow-up in the área de cliente, reachable from the earlier ticket's page: the same
analysis and table; the customer files his own follow-up; nobody else's ticket."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import FollowUp
from app.services.followups import filing
from tests.services.followups.conftest import START, answer_followup, answered_complaint, classified_complaint, fresh
from tests.services.followups.test_followup_results import ANOTHER_REQUEST


def text(response) -> str:
    return html.unescape(response.get_data(True))


def test_a_self_service_customer_files_his_late_response_follow_up_from_the_ticket(customer):
    clock.freeze(START)
    ticket = classified_complaint("C-1001")
    clock.freeze(ticket.response_due_at + timedelta(hours=3))
    client = customer("C-1001")
    page = text(client.get(f"/portal/tickets/{ticket.number}"))
    assert "Insistir en este requerimiento" in page and "Fecha máxima de respuesta" in page
    form = text(client.get(f"/portal/tickets/{ticket.number}/insistencia"))
    assert "Puede registrar aquí su insistencia" in form
    done = text(client.post(f"/portal/tickets/{ticket.number}/insistencia",
                            {"reason": "late", "comment": "Sigo sin respuesta."}, expect=201))
    record = db.session.scalar(select(FollowUp))
    assert record.ticket.number in done and record.ticket.channel == "portal"
    assert record.subject_code == "respuesta_fuera_plazo" and record.earlier_ticket_id == ticket.id


def test_the_answer_is_shown_and_nothing_is_filed_when_the_table_says_to_read_it(customer):
    clock.freeze(START)
    ticket = answered_complaint("C-1001")
    client = customer("C-1001")
    assert "Cambiamos su perfil de velocidad" in text(client.get(f"/portal/tickets/{ticket.number}"))
    page = text(client.post(f"/portal/tickets/{ticket.number}/insistencia", {"reason": "late"}, expect=200))
    assert "ya fue respondido" in page and db.session.scalar(select(FollowUp)) is None


def test_another_customers_ticket_is_not_found(customer):
    clock.freeze(START)
    ticket = classified_complaint("C-1002")
    client = customer("C-1001")
    client.get(f"/portal/tickets/{ticket.number}/insistencia", expect=404)
    client.post(f"/portal/tickets/{ticket.number}/insistencia", {"reason": "late"}, expect=404)


def test_result_8_in_the_customer_area_escalates_and_never_asks_for_another_request(customer):
    clock.freeze(START)
    ticket = answered_complaint("C-1001")
    answer_followup(fresh(filing.file_by_customer(ticket.customer_id, ticket.number, True, "").followup))
    client = customer("C-1001")
    page = client.get(f"/portal/tickets/{ticket.number}/insistencia", query_string={"reason": "disagree"})
    shown = text(page).split('id="words">')[1].split("</p>")[0]
    assert "supervisor" in shown and not ANOTHER_REQUEST.search(shown), shown
    done = text(client.post(f"/portal/tickets/{ticket.number}/insistencia", {"reason": "disagree"}, expect=201))
    words = done.split('id="words">')[1].split("</p>")[0]
    assert "Usted no necesita hacer nada más" in words and not ANOTHER_REQUEST.search(words), words
    assert db.session.scalar(select(FollowUp).where(FollowUp.escalated.is_(True))) is not None
