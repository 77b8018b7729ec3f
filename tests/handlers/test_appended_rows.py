"""Timeline lines and outbox messages are appended to the transaction and written in one insert per table: the
same transaction reads them as if they had been flushed, a rollback (of a savepoint too) takes them back."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, TicketEvent
from app.services.transaction import transaction
from handlers import outbox, timeline
from tests.services.conftest import open_complaint
from tests.statements import statements_while


def _lines(ticket) -> list[str]:
    return list(db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
                                   .order_by(TicketEvent.id)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_lines_are_written_together_and_read_back_in_the_same_transaction():
    ticket = open_complaint()
    before = _lines(ticket)
    with transaction():
        sent = statements_while(lambda: [timeline.add_event(ticket, kind, "-") for kind in ("uno", "dos", "tres")])
        assert not any(s.startswith("INSERT") for s in sent)  # nothing is written while nothing reads the timeline
        sent = statements_while(lambda: _lines(ticket))
        assert sum(s.startswith("INSERT INTO ticket_event") for s in sent) == 1
        assert _lines(ticket) == [*before, "uno", "dos", "tres"]
    assert _lines(ticket) == [*before, "uno", "dos", "tres"]


def test_a_read_of_another_table_leaves_the_lines_for_later():
    ticket = open_complaint()
    with transaction():
        timeline.add_event(ticket, "uno", "-")
        sent = statements_while(lambda: _count(OutboxMessage))
        assert not any(s.startswith("INSERT") for s in sent)
    assert _lines(ticket)[-1] == "uno"


def test_a_failed_transaction_leaves_no_appended_row_behind():
    ticket = open_complaint()
    lines, messages = _lines(ticket), _count(OutboxMessage)
    with pytest.raises(RuntimeError), transaction():
        timeline.add_event(ticket, "perdida", "-")
        outbox.queue("email", ticket=ticket, recipient="x@example.com", subject="-", body="-")
        raise RuntimeError
    with transaction():
        timeline.add_event(ticket, "siguiente", "-")
    assert _lines(ticket) == [*lines, "siguiente"]
    assert _count(OutboxMessage) == messages


def test_a_savepoint_rolled_back_takes_back_what_was_appended_inside_it_and_only_that():
    ticket = open_complaint()
    lines = _lines(ticket)
    with transaction():
        timeline.add_event(ticket, "antes", "-")
        message = outbox.queue("email", ticket=ticket, recipient="x@example.com", subject="primero", body="-")
        savepoint = db.session.begin_nested()
        assert _lines(ticket)[-1] == "antes"  # written inside the savepoint: its rollback must not lose it
        timeline.add_event(ticket, "dentro", "-")
        message.update(subject="cambiado")
        savepoint.rollback()
    assert _lines(ticket) == [*lines, "antes"]
    assert db.session.get(OutboxMessage, message.id).subject == "primero"


def test_a_message_changed_after_it_was_written_is_updated():
    ticket = open_complaint()
    with transaction():
        message = outbox.queue("email", ticket=ticket, recipient="x@example.com", subject="primero", body="-")
        message.update(subject="segundo")  # before it is written: no statement of its own
        row_id = message.id  # asks for the row: written now
        message.update(body="cuerpo")
    row = db.session.get(OutboxMessage, row_id)
    assert (row.subject, row.body) == ("segundo", "cuerpo")
