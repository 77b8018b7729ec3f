"""My tickets, a new complaint with attachments, the ticket page (public timeline only, live with ETag), the
customer's tasks and his answer to a request for details."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, HumanTask, OutboxMessage, Ticket, TicketEvent
from app.services.cases import comment_service, event_pages, task_service
from tests.conftest import user
from tests.portal.conftest import EMAILS
from tests.portal.helpers import ready_task, request_details, to_confirmation, validate

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def new_complaint(c, description="Sin internet desde ayer, el módem parpadea en rojo.", files=(), expect=200,
                  **fields):
    data = {"service_address": "Av. Universidad 100", "category": "sin_servicio", "description": description,
            "preferred_contact": "email", "contact": EMAILS["C-1001"], **fields}
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return c.post("/portal/tickets/new", data, expect=expect, content_type="multipart/form-data",
                  follow_redirects=True)


def only_ticket() -> Ticket:
    return db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))


def test_new_complaint_shows_its_number_queues_the_confirmation_and_keeps_the_file(customer):
    c = customer("C-1001")
    page = new_complaint(c, files=[("modem.png", PNG)]).get_data(True)
    ticket = only_ticket()
    assert ticket.number in page and ticket.channel == "portal" and ticket.category == "sin_servicio"
    assert ticket.customer.number == "C-1001"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    assert ticket.number in mail.subject and mail.recipient == EMAILS["C-1001"]
    attachment = db.session.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id))
    assert attachment.content_type == "image/png" and attachment.source == "portal"
    response = c.get(f"/portal/tickets/{ticket.number}/attachments/{attachment.id}")
    assert response.data == PNG
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_disguised_executable_is_refused_and_nothing_is_kept(customer):
    c = customer("C-1001")
    page = new_complaint(c, files=[("foto.png", b"MZ\x90\x00\x03" + b"\x00" * 200)], expect=422).get_data(True)
    assert "No se aceptan archivos como foto.png" in page
    assert "Sin internet desde ayer" in page  # what he wrote is still in the form
    assert db.session.scalar(select(Ticket)) is None


def test_an_oversized_attachment_is_refused(app, customer):
    c = customer("C-1001")
    limit = app.config["ATTACHMENT_MAX_BYTES"]
    app.config["ATTACHMENT_MAX_BYTES"] = 1024 * 1024
    try:
        big = PNG + b"\x00" * (1024 * 1024)
        page = new_complaint(c, files=[("grande.png", big)], expect=422).get_data(True)
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = limit
    assert "El archivo grande.png pesa más de 1 MB." in page
    assert db.session.scalar(select(Ticket)) is None


def test_form_errors_are_shown(customer):
    c = customer("C-1001")
    page = new_complaint(c, description="corto", category="nada", expect=422).get_data(True)
    assert "al menos 10 caracteres" in page and "Elija una opción" in page


def test_description_with_a_script_shows_as_text(customer):
    c = customer("C-1001")
    new_complaint(c, description="<script>alert('x')</script> no tengo internet")
    number = only_ticket().number
    page = c.get(f"/portal/tickets/{number}").get_data(True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in c.get("/portal/tickets").get_data(True)


def test_my_tickets_filters(customer):
    c = customer("C-1001")
    new_complaint(c, description="Internet lento en las noches desde hace una semana")
    new_complaint(c, description="Sin servicio en toda la casa desde la mañana")
    first, second = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    validate(second)
    page = c.get("/portal/tickets").get_data(True)
    assert first.number in page and second.number in page
    page = c.get("/portal/tickets?q=lento").get_data(True)
    assert first.number in page and second.number not in page
    second = db.session.get(Ticket, second.id)
    page = c.get(f"/portal/tickets?status={second.status}").get_data(True)
    assert second.number in page and first.number not in page
    page = c.get("/portal/tickets?kind=complaint&from=2000-01-01&to=2999-12-31").get_data(True)
    assert first.number in page and second.number in page
    assert "Ningún ticket coincide" in c.get("/portal/tickets?to=2000-01-01").get_data(True)


def test_ticket_page_shows_only_the_public_timeline(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    comment_service.add_internal_comment(ticket.number, "Nota interna: cliente moroso", user("agente"))
    internal = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                           TicketEvent.public.is_(False))).all()
    public = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                         TicketEvent.public.is_(True))).all()
    assert internal and public
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    for event in public:
        assert str(event.id) in page
    for event in internal:
        assert f'data-id="{event.id}"' not in page
    state = c.get(f"/portal/tickets/{ticket.number}/state").get_json()
    assert {e["id"] for e in state["events"]} == {e.id for e in public}


def test_live_state_etag_changes_with_a_staff_action(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = only_ticket()
    url = f"/portal/tickets/{ticket.number}/state"
    first = c.get(url)
    etag = first.headers["ETag"]
    assert first.get_json()["status"] == ticket.status
    assert c.get(url, headers={"If-None-Match": etag}, expect=304).data == b""
    validate(ticket)
    changed = c.get(url, headers={"If-None-Match": etag})
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["status"] == db.session.get(Ticket, ticket.id).status != first.get_json()["status"]


def test_confirm_resolution_and_survey_as_the_customer(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = to_confirmation(validate(only_ticket()))
    task = ready_task(ticket, "confirmar_resolucion")
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert f"/tasks/{task.id}" in page
    form = c.get(f"/portal/tickets/{ticket.number}/tasks/{task.id}").get_data(True)
    assert "¿Se resolvió el problema?" in form
    c.post(f"/portal/tickets/{ticket.number}/tasks/{task.id}", {"solved": "false"}, expect=422)
    c.post(f"/portal/tickets/{ticket.number}/tasks/{task.id}", {"solved": "true"})
    done = db.session.get(HumanTask, task.id)
    assert done.status == "completed" and done.completed_by_id is None and done.on_behalf_of is None
    line = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "task_completed")
                             .order_by(TicketEvent.id.desc()))
    assert "María López" in line.message
    survey = ready_task(ticket, "encuesta_satisfaccion")
    c.post(f"/portal/tickets/{ticket.number}/tasks/{survey.id}", {"score": "5", "comments": "Muy bien"})
    closed = db.session.get(Ticket, ticket.id)
    assert closed.status == "closed" and closed.survey_score == 5
    done_page = c.get(f"/portal/tickets/{ticket.number}/tasks/{survey.id}").get_data(True)  # read-only now
    assert "Usted lo envió el" in done_page and "Muy bien" in done_page and 'name="score"' not in done_page


def test_not_solved_goes_back_to_diagnosis(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = to_confirmation(validate(only_ticket()))
    task = ready_task(ticket, "confirmar_resolucion")
    c.post(f"/portal/tickets/{ticket.number}/tasks/{task.id}",
           {"solved": "false", "confirmation_comment": "Sigue sin conectar"})
    assert ready_task(ticket, "diagnostico") is not None


def test_answer_a_request_for_details(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    request_details(ticket)
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert 'id="message-form"' in page and "¿Qué luces tiene el módem?" in page
    c.post(f"/portal/tickets/{ticket.number}/messages", {"text": "   "}, expect=422)
    c.post(f"/portal/tickets/{ticket.number}/messages", {"text": "Luz roja fija en el módem"}, expect=303)
    diagnosis = ready_task(ticket, "diagnostico")
    assert "Luz roja fija" in diagnosis.instructions


def test_portal_only_customers_get_no_status_mails(customer):
    c = customer("C-1001")
    c.post("/portal/preferences", {"notify_by": "portal"})
    new_complaint(c)
    ticket = validate(only_ticket())
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                          OutboxMessage.recipient == EMAILS["C-1001"])).all()
    # The receipt of the complaint still goes out; no status update by e-mail.
    assert [r.subject for r in rows] == [f"[{ticket.number}] Hemos recibido su queja"]


def test_email_customers_get_status_mails(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = validate(only_ticket())
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)).all()
    assert len(rows) >= 2 and all(r.status == "pending" for r in rows if r.recipient == EMAILS["C-1001"])


def test_the_customer_reads_his_own_wording_and_is_not_told_about_the_tests(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = only_ticket()
    assert "Recibimos su reporte" in c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    ticket = validate(ticket)
    tech = user(ticket.assignee.username)
    task_service.complete_task(ready_task(ticket, "diagnostico").id,
                               {"diagnosis": "Módem desconfigurado", "outcome": "remota"}, tech)
    task_service.complete_task(ready_task(ticket, "intervencion_remota").id,
                               {"actions_remote": "Reconfiguración del módem"}, tech)
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status == "testing" and ticket.status_label == "Pruebas de funcionamiento"
    page = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert "Reparación en curso" in page and "Pruebas de funcionamiento" not in page
    assert c.get(f"/portal/tickets/{ticket.number}/state").get_json()["status_label"] == "Reparación en curso"
    assert not db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.subject.contains("Pruebas"))).all()
    assert '<option value="testing"' not in c.get("/portal/tickets").get_data(True)


def test_ticket_page_shows_the_newest_public_lines_and_links_to_older_ones(customer):
    c = customer("C-1001")
    new_complaint(c)
    ticket = only_ticket()
    db.session.add_all(TicketEvent(ticket_id=ticket.id, kind="comment", message=f"aviso {i}", public=i % 2 == 0)
                       for i in range(2 * event_pages.PAGE_SIZE + 10))
    db.session.commit()
    newest = c.get(f"/portal/tickets/{ticket.number}").get_data(True)
    assert newest.count('class="event"') == event_pages.PAGE_SIZE and 'id="live-events"' in newest
    assert f"aviso {2 * event_pages.PAGE_SIZE + 8}<" in newest and "aviso 9<" not in newest  # odd: internal
    earlier = re.search(r'id="timeline-earlier" href="([^"]+)"', newest).group(1)
    older = c.get(earlier).get_data(True)
    assert "aviso 0<" in older and 'id="live-events"' not in older and 'id="timeline-latest"' in older
    assert not {line for line in re.findall(r"aviso (\d+)<", older) if int(line) % 2}
