"""Security walks: a ticket someone must not see, and signed-in clients for each face."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attachment, HumanTask, OutboxMessage, Ticket, TicketEvent, WorkflowInstance
from app.services.cases import attachment_service, ticket_service
from tests.conftest import user
from tests.portal.conftest import (
    EMAILS,
    Customer,
    _portal_rows,  # noqa: F401 - fixture: cleans the portal's rows
    last_link,
)
from tests.staff.conftest import Staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
DESCRIPTION = "Internet muy lento desde ayer, módem con luz roja"


@pytest.fixture
def foreign(app):
    """A complaint of customer C-1001 (with a task, an instance and an attachment) and the values that name it
    in URLs: every route taking such a value must refuse whoever may not see the ticket."""
    ticket = ticket_service.open_complaint(channel="phone", description=DESCRIPTION,
                                           actor=user("agente"), customer_number="C-1001", priority="media")
    attachment = attachment_service.store(ticket, "foto.png", PNG, source="staff", actor=user("agente"))
    db.session.commit()
    task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id))
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))
    return {"number": ticket.number, "ref": ticket.number, "task_id": task.id, "attachment_id": str(attachment.id),
            "instance_id": str(instance.id), "version_id": str(instance.process_version_id)}


def fingerprint(number: str) -> tuple:
    """Everything a refused action must leave as it was on ticket ``number``."""
    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    tasks = db.session.execute(select(HumanTask.id, HumanTask.status, HumanTask.assignee_id)
                               .where(HumanTask.ticket_id == ticket.id).order_by(HumanTask.id)).all()
    events = db.session.scalar(select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id))
    files = db.session.scalar(select(func.count(Attachment.id)).where(Attachment.ticket_id == ticket.id))
    mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    return ticket.status, ticket.assignee_id, tuple(tasks), events, files, mails


def form(**fields):
    """Form data that passes each staff/portal form's own checks, so the answer is about who asks."""
    return lambda: {"text": "Hola, ¿ya funciona?", "assignee": "agente", "file": (io.BytesIO(PNG), "foto.png"),
                    **fields}


@pytest.fixture
def staff_client(app):
    return lambda username: Staff(app, username)


@pytest.fixture
def portal_client(app):
    def signed_in(number: str) -> Customer:
        client = Customer(app)
        client.sign_up(number, EMAILS[number])
        client.get(last_link(EMAILS[number], "verify"), expect=302)
        client.login(EMAILS[number])
        return client

    return signed_in
