"""The API applies the pages' rules (issue 9, items 3, 4, 7): who may read a ticket, hand over a customer's
answer, open a complaint, list processes; and how the token endpoint answers unknown users."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import TicketEvent
from app.services.accounts import auth_service


@pytest.mark.parametrize("outsider", ["aprobador", "analista", "campo1", "redes1"])
def test_a_ticket_is_not_found_for_staff_who_may_not_see_it(api, client, diagnosing, outsider):
    api.get(f"/tickets/{diagnosing.number}", outsider, expect=404)
    # The same answer as the staff page gives them, and as a number that does not exist.
    assert api.get("/tickets/Q-1999-000001", outsider, expect=404).json["message"]


@pytest.mark.parametrize("insider", ["agente", "supervisor", "admin", "tecnico1", "tecnico2"])
def test_a_ticket_is_served_to_staff_who_may_see_it(api, diagnosing, insider):
    response = api.get(f"/tickets/{diagnosing.number}", insider)
    assert response.json["number"] == diagnosing.number
    assert response.headers["Cache-Control"] == "no-store"  # personal data: never in a shared cache


def test_no_json_answer_is_cached(api, diagnosing):
    for path in ("/tasks", "/workflows/failed", "/tickets/Q-1999-000001"):
        assert api.get(path, "supervisor", expect=None).headers["Cache-Control"] == "no-store"


def test_only_staff_who_see_the_ticket_hand_over_the_customer_answer(api, diagnosing):
    diagnosing.diagnose("solicitar_datos", question="¿Qué luces ve encendidas?")
    for outsider in ("aprobador", "analista", "campo1"):
        api.post(f"/tickets/{diagnosing.number}/messages", outsider, json={"text": "Ninguna"}, expect=404)
    assert diagnosing.status == "waiting_customer"


def test_the_customer_answer_records_who_posted_it_on_whose_behalf(api, diagnosing):
    diagnosing.diagnose("solicitar_datos", question="¿Qué luces ve encendidas?")
    # The author is never free text: who posts is the token's user, on behalf of the ticket's customer.
    errors = api.post(f"/tickets/{diagnosing.number}/messages", "agente",
                      json={"text": "Solo la de encendido", "author": "Juan Pérez"}, expect=422).json["errors"]
    assert set(errors) == {"author"}
    api.post(f"/tickets/{diagnosing.number}/messages", "agente", json={"text": "Solo la de encendido"})
    event = [e for e in api.timeline(diagnosing.number) if e["kind"] == "customer_message"][-1]
    assert event["actor"]["username"] == "agente" and event["on_behalf_of"] == "María López"
    assert event["message"] == "Solo la de encendido" and event["public"] is True


def test_staff_work_is_never_recorded_on_someone_elses_behalf(api, diagnosing):
    """``on_behalf_of`` names who a customer's step was done for; on a staff step it is ignored."""
    complaint = diagnosing
    done = api.complete(complaint.technician, complaint.number, "Diagnóstico",
                        {"diagnosis": "Saturación", "outcome": "remota"}, on_behalf_of="Juan Pérez").json
    assert done["on_behalf_of"] is None
    event = [e for e in complaint.ticket["timeline"] if e["kind"] == "task_completed"][-1]
    assert event["on_behalf_of"] is None and event["actor"]["username"] == complaint.technician


@pytest.mark.parametrize("role_user", ["tecnico1", "aprobador", "analista"])
def test_only_the_contact_center_opens_complaints(api, complaint_body, role_user):
    """The intake page's rule: agents and supervisors (and admins)."""
    api.post("/tickets", role_user, json=complaint_body(), expect=403)
    assert db.session.scalar(select(TicketEvent.id).limit(1)) is None  # nothing half-written


def test_supervisors_and_admins_open_complaints(api, complaint_body):
    api.post("/tickets", "supervisor", json=complaint_body(), expect=201)
    api.post("/tickets", "admin", json=complaint_body(), expect=201)


@pytest.mark.parametrize("role_user", ["agente", "tecnico1", "supervisor", "aprobador"])
def test_only_analysts_list_processes(api, role_user):
    api.get("/processes", role_user, expect=403)


def test_analysts_and_admins_list_processes(api):
    assert api.get("/processes", "analista").json["versions"]
    assert api.get("/processes", "admin").json["versions"]


def test_an_unknown_username_costs_a_password_check_like_a_known_one(api, monkeypatch):
    """Equal-time answers: a dummy hash is verified when the user does not exist (or is inactive)."""
    checked = []
    real = auth_service.check_password_hash
    monkeypatch.setattr(auth_service, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    for username in ("nadie", "agente"):
        api.client.post("/api/v1/auth/token", json={"username": username, "password": "mala"})
    assert len(checked) == 2


def test_admins_read_the_audit_trail_through_the_api(api):
    api.token("agente")  # a sign-in: on the trail
    api.get("/audit", "supervisor", expect=403)
    page = api.get("/audit", "admin", query_string={"action": "login", "actor": "agente"}).json
    assert page["total"] == 1 and page["pages"] == 1
    (event,) = page["events"]
    assert event["actor"] == "agente" and event["changes"] == {"channel": "api"} and event["at"]
    errors = api.get("/audit", "admin", query_string={"action": "nada", "page": "0", "date_from": "ayer"},
                     expect=422).json["errors"]
    assert set(errors) == {"action", "page", "date_from"}
