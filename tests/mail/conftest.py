"""Fixtures for the e-mail channel: the corpus, a clean intake state, complaints that wait for the customer."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import HumanTask, OutboxMessage, Ticket
from app.models.attachment import Attachment
from app.models.mail import AutoReplyLog, InboundMessage, ProvisionalCustomer
from app.services.cases import task_service
from app.services.mail import mail_intake_service
from handlers import delivery
from tests.conftest import user

CORPUS = Path(__file__).resolve().parent / "corpus"
MAIL_TABLES = [AutoReplyLog, Attachment, ProvisionalCustomer, InboundMessage]


@pytest.fixture(autouse=True)
def _mail_state(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path / "attachments"))
    yield
    db.session.rollback()
    for model in MAIL_TABLES:
        db.session.execute(delete(model))
    db.session.commit()


def eml(name: str, **placeholders: str) -> bytes:
    raw = (CORPUS / f"{name}.eml").read_bytes()
    for key, value in placeholders.items():
        raw = raw.replace(f"@@{key.upper()}@@".encode(), value.encode())
    return raw


def receive(raw: bytes, transport: str = "pipe") -> InboundMessage:
    return mail_intake_service.receive(raw, transport=transport)


def tickets() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def events(ticket: Ticket, kind: str | None = None):
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    return [e for e in ticket.events if kind is None or e.kind == kind]


def outbox_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)
                                   .order_by(OutboxMessage.id)))


def our_id(ticket: Ticket) -> str:
    """The Message-ID (no brackets) of the confirmation we queued for ``ticket``."""
    first = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                          OutboxMessage.channel == "email")
                              .order_by(OutboxMessage.id).limit(1))
    return delivery.make_message_id(first.id, ticket.number).strip("<>")


@pytest.fixture
def mailed_ticket() -> Ticket:
    """A complaint María opened by e-mail (new_known_customer_plain)."""
    row = receive(eml("new_known_customer_plain"))
    return db.session.get(Ticket, row.ticket_id)


def ready_task(ticket: Ticket, name: str) -> HumanTask | None:
    db.session.expire_all()
    return db.session.scalar(select(HumanTask).where(
        HumanTask.ticket_id == ticket.id, HumanTask.task_name == name, HumanTask.status == "ready"))


def validate(ticket: Ticket) -> Ticket:
    task = ready_task(ticket, "validar_reporte")
    task_service.complete_task(task.id, {"valid": True, "category": "sin_servicio",
                                         "priority_override": "sin_cambio"}, user("agente"))
    return db.session.get(Ticket, ticket.id)


def ask_for_details(ticket: Ticket) -> Ticket:
    """Validated and diagnosed with "request details": the workflow waits for respuesta_cliente."""
    ticket = validate(ticket)
    task = ready_task(ticket, "diagnostico")
    task_service.complete_task(task.id, {"diagnosis": "Revisar luces", "outcome": "solicitar_datos",
                                         "question": "¿Qué luces tiene el módem?"}, ticket.assignee)
    return db.session.get(Ticket, ticket.id)


def await_confirmation(ticket: Ticket) -> Ticket:
    """Repaired remotely and tested: "Confirmar resolución" (customer lane) is ready."""
    ticket = validate(ticket)
    technician = ticket.assignee
    task_service.complete_task(ready_task(ticket, "diagnostico").id,
                               {"diagnosis": "Módem desconfigurado", "outcome": "remota"}, technician)
    task_service.complete_task(ready_task(ticket, "intervencion_remota").id,
                               {"actions_remote": "Reconfiguración"}, technician)
    task_service.complete_task(ready_task(ticket, "pruebas_funcionalidad").id,
                               {"tests_passed": True, "test_notes": "Navega"}, technician)
    return db.session.get(Ticket, ticket.id)
