"""Who a notify task reaches: the team by e-mail, the incident managers in their inbox, a customer who follows
his cases in the área de cliente only gets a portal line instead of a mail; impossible pairs are refused."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import CustomerAccount, NoticeTemplate, Notification, OutboxMessage, Team, TicketEvent
from app.services.processes import notices as notice_service
from app.workflow.sandbox import render_template
from handlers.notices import notify
from handlers.registry import HandlerContext
from tests.conftest import user
from tests.staff.conftest import open_complaint


@pytest.fixture
def notice(app):
    notice_service.create_template("aviso_equipo", notice_service.NoticeText(
        subject="Atención {{ ticket.number }}", body="Prioridad {{ ticket.priority or 'sin definir' }}."),
        user("analista"))
    yield
    db.session.rollback()
    db.session.execute(delete(NoticeTemplate).where(NoticeTemplate.name == "aviso_equipo"))
    db.session.commit()


def _context(ticket) -> HandlerContext:
    return HandlerContext(ticket=ticket, process_id="prueba", config={"INCIDENT_MANAGER_ROLE": "supervisor"},
                          render=render_template)


def _fresh_ticket():
    ticket = open_complaint()
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    db.session.info.pop("transaction_scope", None)  # a new request: nothing queued yet
    return ticket


def test_the_team_is_mailed_and_the_incident_managers_get_an_inbox_line(app, notice):
    ticket = _fresh_ticket()
    ticket.team = db.session.scalar(select(Team).where(Team.code == "soporte_n1"))
    result = notify(_context(ticket), template="aviso_equipo", recipient="team")
    assert sorted(result["sent_to"]) == ["tecnico1", "tecnico2"]
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)).all()
    assert {m.recipient for m in mails} == {user("tecnico1").email, user("tecnico2").email}
    assert all(m.subject == f"[{ticket.number}] Atención {ticket.number}" for m in mails)
    assert "Hola Tomás Técnico:" in next(m.body for m in mails if m.recipient == user("tecnico1").email)

    result = notify(_context(ticket), template="aviso_equipo", recipient="incident_manager", channel="inbox")
    assert result["sent_to"] == ["supervisor"]
    line = db.session.scalar(select(Notification).where(Notification.kind == "notice",
                                                        Notification.ticket_id == ticket.id))
    assert line.message == f"Atención {ticket.number}\nPrioridad sin definir."


def test_a_customer_who_follows_his_cases_in_the_portal_gets_the_notice_there(app, notice):
    ticket = _fresh_ticket()
    db.session.add(CustomerAccount(customer_id=ticket.customer_id, email="maria.lopez@example.com",
                                   password_hash="x", verified_at=clock.now(), notify_by="portal"))
    notify(_context(ticket), template="aviso_equipo", recipient="customer", channel="email")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)) is None
    line = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "notice"))
    assert line.public and line.message.startswith(f"Atención {ticket.number}")


@pytest.mark.parametrize(("params", "message"), [
    ({"recipient": "team", "channel": "portal"}, "El canal del área de cliente (portal) solo llega al cliente."),
    ({"recipient": "customer", "channel": "inbox"}, "La bandeja (inbox) solo llega al personal"),
    ({"channel": "webhook", "webhook": "nadie"}, "No hay un webhook activo con el código nadie."),
    ({"channel": "sms"}, "Canal de aviso desconocido: sms"),
])
def test_impossible_pairs_are_refused_in_spanish(app, notice, params, message):
    ticket = _fresh_ticket()
    with pytest.raises((ValueError, LookupError)) as refused:
        notify(_context(ticket), template="aviso_equipo", **params)
    assert message in str(refused.value)
