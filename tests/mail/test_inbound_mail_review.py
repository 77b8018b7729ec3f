"""Issue 13: staff list the inbound mail intake ignored, held or could not process, read any mail as it came
(permission-checked) and process it again ("Procesar de nuevo", audited)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, Ticket
from app.models.mail import InboundMessage
from tests.mail.conftest import eml, receive, tickets
from tests.staff.conftest import Staff

ROBOT_LIST = eml("precedence_bulk")


def test_the_supervisor_lists_ignored_and_failed_mail_in_spanish(app, monkeypatch):
    ignored = receive(ROBOT_LIST)
    from app.services.cases import ticket_service
    monkeypatch.setattr(ticket_service, "open_complaint", lambda **kw: (_ for _ in ()).throw(RuntimeError("x")))
    failed = receive(eml("new_known_customer_plain"))
    processed = receive(eml("new_unknown_sender"))  # its own open_complaint failed too: failed as well
    monkeypatch.undo()
    page = Staff(app, "supervisor").get("/staff/mail").get_data(as_text=True)
    assert "Correo entrante por revisar" in page
    for row in (ignored, failed, processed):
        assert f"/staff/mail/{row.id}" in page
    assert "Correo automático" in page and "Error al procesarlo" in page
    assert "Procesar de nuevo" in Staff(app, "supervisor").get(f"/staff/mail/{ignored.id}").get_data(as_text=True)


def test_only_supervisors_and_admins_review_inbound_mail(app):
    row = receive(ROBOT_LIST)
    agent = Staff(app, "agente")
    agent.get("/staff/mail", expect=403)
    agent.get(f"/staff/mail/{row.id}", expect=403)
    agent.post(f"/staff/mail/{row.id}/reprocess", expect=302)  # refused: back with the reason
    assert db.session.get(InboundMessage, row.id).status == "ignored"
    Staff(app, "admin").get("/staff/mail")


def test_staff_who_see_a_ticket_read_its_original_mail_from_the_timeline(app):
    row = receive(eml("new_known_customer_plain"))
    ticket = db.session.get(Ticket, row.ticket_id)
    agent = Staff(app, "agente")
    assert f"/staff/mail/{row.id}" in agent.get(f"/staff/tickets/{ticket.number}").get_data(as_text=True)
    raw = agent.get(f"/staff/mail/{row.id}").get_data(as_text=True)
    assert "Message-ID: &lt;new_known_customer_plain@cliente.example.com&gt;" in raw  # escaped, as it came
    assert "Procesar de nuevo" not in raw  # processed: nothing to do again
    Staff(app, "tecnico1").get(f"/staff/mail/{row.id}", expect=404)  # not his team's ticket: as the ticket page


def test_process_again_reads_an_ignored_mail_as_a_persons_audited_and_unanswered(app):
    row = receive(ROBOT_LIST)
    assert row.status == "ignored" and tickets() == []
    supervisor = Staff(app, "supervisor")
    response = supervisor.post(f"/staff/mail/{row.id}/reprocess")
    assert response.headers["Location"].endswith(f"/staff/mail/{row.id}")
    db.session.expire_all()
    row = db.session.get(InboundMessage, row.id)
    assert (row.status, row.outcome) == ("processed", "created")
    [ticket] = tickets()
    confirmations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                                   OutboxMessage.recipient == ticket.contact_email))
    assert {m.status for m in confirmations} == {"suppressed"}  # never answered automatically
    [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "inbound_mail_reprocessed"))
    assert audit.actor_name == "supervisor" and audit.target == f"mail #{row.id}"
    assert audit.changes["status"] == ["ignored", "received"]
    supervisor.post(f"/staff/mail/{row.id}/reprocess")  # twice: refused, still one ticket
    assert len(tickets()) == 1


def test_process_again_retries_a_failed_mail(app, monkeypatch):
    from app.services.cases import ticket_service
    monkeypatch.setattr(ticket_service, "open_complaint", lambda **kw: (_ for _ in ()).throw(RuntimeError("x")))
    row = receive(eml("new_known_customer_plain"))
    monkeypatch.undo()
    assert row.status == "failed"
    Staff(app, "supervisor").post(f"/staff/mail/{row.id}/reprocess")
    db.session.expire_all()
    assert db.session.get(InboundMessage, row.id).outcome == "created"
    [ticket] = tickets()
    assert {m.status for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "maria.lopez@example.com"))} == {"pending"}  # a failure is retried as it was
