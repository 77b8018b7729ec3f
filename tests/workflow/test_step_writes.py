"""A workflow step writes the ticket once: the reads inside it flush the session only when they could see what a
flush would write (handlers/rows.py ``reading``), and the instance's round and pins go with the step's other
changes to the ticket. What each read returns stays what it returned after a flush."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import CaseStatus, Team, Ticket, TicketAnswer, WorkflowInstance
from app.services.transaction import transaction
from handlers import answers, tickets
from handlers.registry import HandlerContext
from handlers.rows import reading
from tests.conftest import user
from tests.services.conftest import open_complaint, validate
from tests.statements import statements_while


def _updates(sent: list[str], table: str) -> int:
    return sum(s.startswith(f"UPDATE {table} ") for s in sent)


def test_validating_a_report_writes_the_ticket_once_per_instance():
    """Classification, status and assignment are one UPDATE of the ticket, the diagnosis instance the validation
    starts one more with its round and pins (four before: the assignment's reads flushed the classification, and
    the new instance's flush its round and pins)."""
    ticket = open_complaint()
    sent = statements_while(lambda: validate(ticket))
    assert _updates(sent, "ticket") == 2
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.assignee is not None and ticket.team.code and ticket.category == "sin_servicio"


def test_opening_writes_round_and_pins_with_the_steps_other_changes():
    open_complaint()  # the process's spec is cached from here on
    sent = statements_while(open_complaint)
    # The ticket's insert is flushed by the service and its number by the savepoint; the step writes it once more.
    assert _updates(sent, "ticket") <= 2
    assert not any("spec_json" in s and s.startswith("SELECT") for s in sent)  # the cached spec is not read
    # A fresh instance has no task rows to read back.
    assert not any(s.startswith("SELECT") and "FROM human_task" in s and "instance_id" in s for s in sent)
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert ticket.round == 0 and ticket.process_pins["versions"]
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))
    assert instance.process_version_id == ticket.process_pins["versions"]["queja_reparacion"]


def _team() -> Team:
    return db.session.scalar(select(Team).where(Team.code == "soporte_n1"))


def test_the_load_count_sees_the_assignment_being_made_to_the_ticket():
    """The ticket's new assignee is pending: the count flushes it, so it counts for him."""
    ticket = open_complaint()
    with transaction():
        ticket = db.session.get(Ticket, ticket.id)
        ticket.assignee = user("tecnico1")
        assert tickets.least_loaded_technician(_team(), assigning=ticket) == user("tecnico2")
        db.session.rollback()


def test_the_load_count_sees_the_ticket_leaving_an_open_status():
    ticket = open_complaint()
    with transaction():
        db.session.get(Ticket, ticket.id).assignee = user("tecnico1")
    terminal = db.session.scalar(select(CaseStatus.code).where(CaseStatus.kind_code == "complaint",
                                                               CaseStatus.terminal.is_(True)).limit(1))
    with transaction():
        ticket = db.session.get(Ticket, ticket.id)
        ticket.status = terminal  # pending: once flushed the ticket no longer loads its technician
        assert tickets.least_loaded_technician(_team(), assigning=ticket) == user("tecnico1")
        db.session.rollback()


def test_the_load_count_leaves_an_unassigned_tickets_changes_unflushed():
    ticket = open_complaint()
    with transaction():
        ticket = db.session.get(Ticket, ticket.id)
        team = _team()
        ticket.status, ticket.category = "assigned", "sin_servicio"
        sent = statements_while(lambda: tickets.least_loaded_technician(team, assigning=ticket))
        assert _updates(sent, "ticket") == 0
        assert ticket in db.session.dirty
        db.session.rollback()


def test_duplicates_see_the_pending_changes_of_the_customers_other_tickets():
    first, second = open_complaint("Primero"), open_complaint("Segundo")
    terminal = db.session.scalar(select(CaseStatus.code).where(CaseStatus.kind_code == "complaint",
                                                               CaseStatus.terminal.is_(True)).limit(1))
    with transaction():
        second = db.session.get(Ticket, second.id)
        ctx = HandlerContext(ticket=second, process_id="queja_reparacion", actor=None, config={}, render=None)
        first = db.session.get(Ticket, first.id)
        second.description = "Segundo, cambiado"  # pending: the read leaves this ticket out, no flush
        sent = statements_while(lambda: tickets.find_duplicates(ctx))
        assert _updates(sent, "ticket") == 0
        assert [t["number"] for t in tickets.find_duplicates(ctx)["open_tickets"]] == [first.number]
        first.status = terminal  # pending: the read flushes it
        assert tickets.find_duplicates(ctx)["open_tickets"] == []
        db.session.rollback()


def test_the_newest_answer_includes_one_not_flushed_yet():
    ticket = open_complaint()
    with transaction():
        ticket = db.session.get(Ticket, ticket.id)
        answer = answers.record(ticket, "resolution", "Se cambió el módem.", actor=None)
        assert answers.newest(ticket) is answer
        db.session.rollback()


def test_reading_flushes_only_for_changes_to_the_tables_it_reads():
    ticket = open_complaint()
    with transaction():
        ticket = db.session.get(Ticket, ticket.id)
        ticket.description = "Cambiada"
        with reading(TicketAnswer):
            sent = statements_while(lambda: db.session.scalars(select(TicketAnswer)).all())
        assert _updates(sent, "ticket") == 0
        with reading(Ticket):
            sent = statements_while(lambda: db.session.scalars(select(Ticket.id)).all())
        assert _updates(sent, "ticket") == 1
        db.session.rollback()
