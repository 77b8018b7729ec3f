"""A diagram's ``notify`` tasks reach the customer by e-mail (real SMTP server) and in his área de cliente,
the supervisors' inbox and a webhook on loopback (signed), all with a template an analyst wrote."""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import NoticeTemplate, Notification, OutboxMessage, TicketEvent, WebhookEndpoint, WorkflowInstance
from app.services.mail import outbox_service
from app.services.processes import notices as notice_service
from app.services.processes import process_service
from handlers import webhooks
from tests.conftest import user
from tests.loopback_http import LoopbackServer
from tests.workflow.conftest import data_file, open_ticket

SECRET = "s3creto-de-prueba"


class Receiver:
    """A webhook endpoint on loopback: answers ``statuses`` in turn (then 200) and keeps what it got."""

    def __init__(self, statuses=()):
        self.statuses, self.requests = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)


@pytest.fixture
def receiver():
    made = []

    def start(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for r in made:
        r.server.close()


@pytest.fixture
def notice(app):
    """The notice ``prueba_aviso``, written by the analyst; removed after the test."""
    text = notice_service.NoticeText(
        subject="Revisamos su {{ kind_label | lower }} {{ ticket.number }}",
        body="Hola {{ ticket.customer_name }}: estamos en {{ data.motivo or 'su caso' }}. Estado: {{ status_label }}.")
    row = notice_service.create_template("prueba_aviso", text, user("analista"))
    yield row
    db.session.rollback()
    db.session.execute(delete(NoticeTemplate).where(NoticeTemplate.name == "prueba_aviso"))
    db.session.commit()


@pytest.fixture
def notify_diagram(app, complaint_process, notice):
    """The diagram, deployed once its notice and its webhook endpoint exist (the deploy check asks for both)."""
    _endpoint("http://127.0.0.1:9/avisos")
    process_service.deploy_files({"notify.bpmn": data_file("notify.bpmn")})
    complaint_process("prueba_avisos")


def _endpoint(url: str) -> None:
    row = db.session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.code == "campo_externo"))
    if row is None:
        db.session.add(WebhookEndpoint(code="campo_externo", url=url, secret=SECRET, active=True))
    else:
        row.url = url
    db.session.commit()


def test_a_notify_task_reaches_mail_portal_inbox_and_webhook(app, smtp, notice, notify_diagram, receiver):
    hook = receiver()
    _endpoint(hook.server.base_url + "/avisos")

    ticket = open_ticket()

    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))
    assert instance.status == "running", instance.error_message
    assert outbox_service.deliver_due()["sent"] >= 2

    mails = [m for m in smtp.inbox.messages if "maria.lopez@example.com" in m["To"]]
    assert len(mails) == 1, [m["Subject"] for m in mails]  # the confirmation and the notice: one mail per request
    text = mails[0].get_content()
    assert f"Revisamos su queja {ticket.number}" in text
    assert "Hola María López: estamos en revisión de su línea." in text
    assert "Estimado(a) María López:" in text and ticket.number in text  # greeting and footer of exp-mail
    assert mails[0]["Auto-Submitted"] == "auto-generated"

    portal = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                         TicketEvent.kind == "notice"))
    assert portal.public and portal.message.startswith(f"Revisamos su queja {ticket.number}")
    assert "estamos en su caso" in portal.message  # this task passes no data

    inbox = db.session.scalars(select(Notification).where(Notification.ticket_id == ticket.id,
                                                          Notification.kind == "notice")).all()
    assert user("supervisor").id in {n.user_id for n in inbox}

    (headers, body), = hook.requests
    assert headers[webhooks.SIGNATURE_HEADER] == webhooks.signature(SECRET, headers[webhooks.TIMESTAMP_HEADER], body)
    payload = json.loads(body)
    assert payload["event"] == "ticket.notice" and payload["ticket"]["number"] == ticket.number
    assert payload["subject"] == f"Revisamos su queja {ticket.number}"
    assert db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "webhook_sent")) is not None


def test_a_webhook_answering_500_is_retried_with_backoff_and_noted_on_the_timeline(app, smtp, notice,
                                                                                   notify_diagram, receiver):
    from datetime import timedelta

    from app import clock

    hook = receiver([500])
    _endpoint(hook.server.base_url + "/avisos")
    ticket = open_ticket()
    outbox_service.deliver_due()
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
    assert (row.status, row.attempts) == ("pending", 1)
    failed = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                         TicketEvent.kind == "webhook_failed"))
    assert "campo_externo" in failed.message and "se reintentará" in failed.message

    assert outbox_service.deliver_due() == {}  # not due yet: it backs off
    clock.advance(timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"] + 1))
    assert outbox_service.deliver_due() == {"sent": 1}

    first, second = hook.requests
    assert first[0]["Idempotency-Key"] == second[0]["Idempotency-Key"]  # the receiver may ignore a repeat
    assert webhooks.signature(SECRET, second[0][webhooks.TIMESTAMP_HEADER], second[1]) \
        == second[0][webhooks.SIGNATURE_HEADER]
    assert webhooks.signature("otro-secreto", second[0][webhooks.TIMESTAMP_HEADER], second[1]) \
        != second[0][webhooks.SIGNATURE_HEADER]


def test_a_notify_naming_an_unknown_template_stops_the_step_with_a_spanish_message(app, notify_diagram):
    db.session.execute(delete(NoticeTemplate).where(NoticeTemplate.name == "prueba_aviso"))
    db.session.commit()  # deleted after the deploy that checked it
    ticket = open_ticket()
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id))
    assert instance.status == "error" and instance.error_task == "por_correo"
    assert "No existe la plantilla de aviso prueba_aviso." in instance.error_message


def test_a_webhook_switched_off_before_delivery_is_dead_at_once_and_the_ticket_says_so(app, smtp, notice,
                                                                                      notify_diagram, receiver):
    hook = receiver()
    _endpoint(hook.server.base_url + "/avisos")
    ticket = open_ticket()
    WebhookEndpoint.of("campo_externo").active = False
    db.session.commit()
    outbox_service.deliver_due()
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
    assert (row.status, row.attempts, hook.requests) == ("dead", 1, [])
    line = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "webhook_failed"))
    assert not line.public and "no se reintentará" in line.message
