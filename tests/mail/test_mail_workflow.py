"""Replies that resume the workflow: the request for details, the customer's confirmation."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, Ticket, WorkflowInstance
from app.services.mail import mail_intake_service
from tests.mail.conftest import ask_for_details, await_confirmation, eml, events, our_id, ready_task, receive


def waiting(ticket: Ticket) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(WorkflowInstance.id).where(
        WorkflowInstance.ticket_id == ticket.id, WorkflowInstance.status == "running",
        WorkflowInstance.waiting_message == "respuesta_cliente")) is not None


def test_the_answer_to_a_request_for_details_continues_the_process(mailed_ticket):
    ticket = ask_for_details(mailed_ticket)
    assert ticket.status == "waiting_customer" and waiting(ticket)

    row = receive(eml("reply_details_answer", ticket=ticket.number, ourid=our_id(ticket)))
    assert (row.status, row.outcome, row.ticket_id) == ("processed", "delivered", ticket.id)
    assert not waiting(ticket)
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status == "diagnosing"  # a new diagnosis round started
    diagnosis = ready_task(ticket, "diagnostico")
    assert "Ya reinicié el módem y sigue igual, las luces están en rojo." in diagnosis.instructions
    assert "Qué luces tiene" not in diagnosis.instructions.split("Ya reinicié", 1)[1]  # quote trimmed
    reply = events(ticket, "customer_email")[-1]
    assert reply.public and reply.data["delivered_to_workflow"] is True


def test_a_second_copy_of_the_answer_does_not_deliver_twice(mailed_ticket):
    ticket = ask_for_details(mailed_ticket)
    raw = eml("reply_details_answer", ticket=ticket.number, ourid=our_id(ticket))
    receive(raw)
    receive(raw)
    assert len(events(ticket, "customer_email")) == 2  # the first mail and the answer, once


def test_a_reply_while_the_process_does_not_wait_is_a_comment(mailed_ticket):
    row = receive(eml("reply_gmail_quoted_es", ticket=mailed_ticket.number))
    assert row.outcome == "comment"
    assert events(mailed_ticket, "customer_email")[-1].data.get("delivered_to_workflow") is None


def test_if_the_process_moved_on_meanwhile_the_reply_becomes_a_comment(mailed_ticket, monkeypatch):
    ticket = ask_for_details(mailed_ticket)
    monkeypatch.setattr(mail_intake_service, "_waits_for_customer", lambda t: True)
    from app.services.cases import message_service
    def too_late(*args, **kwargs):
        from app.errors import Conflict

        raise Conflict("moved on")

    monkeypatch.setattr(message_service, "deliver_customer_message", too_late)
    row = receive(eml("reply_details_answer", ticket=ticket.number, ourid=our_id(ticket)))
    assert (row.status, row.outcome) == ("processed", "comment")
    assert len(events(ticket, "customer_email")) == 2


def test_a_yes_while_confirmation_is_pending_is_recorded_and_proposed_never_completed(mailed_ticket):
    ticket = await_confirmation(mailed_ticket)
    task = ready_task(ticket, "confirmar_resolucion")
    assert task is not None
    before = db.session.scalar(select(db.func.count(OutboxMessage.id)))

    row = receive(eml("reply_confirmation_yes", ticket=ticket.number))
    assert row.outcome == "comment"
    comment = events(ticket, "customer_email")[-1]
    assert comment.public and comment.message == "Sí, gracias."
    assert comment.data["awaiting_confirmation"] is True and comment.data["proposed_answer"] == "yes"
    assert ready_task(ticket, "confirmar_resolucion").id == task.id  # still for staff to complete
    staff = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[before:]
    assert [m.recipient for m in staff] == [ticket.assignee.email]
    assert "«sí»" in staff[0].body and ticket.number in staff[0].subject


def test_an_ambiguous_answer_to_the_confirmation_proposes_nothing(mailed_ticket):
    ticket = await_confirmation(mailed_ticket)
    receive(eml("reply_confirmation_ambiguous", ticket=ticket.number))
    comment = events(ticket, "customer_email")[-1]
    assert comment.data["awaiting_confirmation"] is True and "proposed_answer" not in comment.data
    assert ready_task(ticket, "confirmar_resolucion") is not None


def test_yes_or_no_only_for_unambiguous_answers():
    yes_or_no = mail_intake_service.yes_or_no
    assert [yes_or_no(t) for t in ("Sí", "si, gracias", "SÍ. Ya quedó", "Yes", "No", "No, sigue igual",
                                   "no funciona")] == ["yes", "yes", "yes", "yes", "no", "no", "no"]
    assert {yes_or_no(t) for t in ("Sí pero no", "No sé", "A veces", "Sí funciona, pero lento", "")} == {None}
