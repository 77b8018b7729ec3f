"""Opening a complaint and reading a ticket."""
from __future__ import annotations

from datetime import UTC, datetime


def test_opening_a_complaint_answers_201_with_number_status_tasks_and_location(api, complaint_body):
    response = api.post("/tickets", "agente", json=complaint_body(), expect=201)
    ticket = response.json
    assert response.headers["Location"].endswith(f"/api/v1/tickets/{ticket['number']}")
    assert ticket["number"].startswith("Q-")
    assert ticket["status"]["code"] == "received" and ticket["status"]["label"]
    assert [(t["title"], t["lane"]) for t in ticket["open_tasks"]] == [("Validar reporte", "Contact center")]
    assert ticket["customer"] == {"number": "C-1001", "name": "María López"}
    assert ticket["contact_email"] == "maria.lopez@example.com"  # the customer's, as none was given
    assert ticket["equipment"] == {"brand": "Huawei", "model": "HG8245"}
    assert ticket["reported_priority"] == "media"
    assert "timeline" not in ticket  # paged apart (/events)
    timeline = api.timeline(ticket["number"], "agente")
    assert [(e["kind"], e["actor"]["username"]) for e in timeline] == [("opened", "agente")]


def test_a_complaint_may_bring_a_new_customer(api, complaint_body):
    body = complaint_body(customer_number=None, channel="email", reported_at="2026-03-01T08:30:00",
                          customer={"name": "Pedro Páramo", "phone": "4490000000", "email": "pedro@example.com",
                                    "address": "Comala 1"}, contact_phone="4491111111")
    del body["customer_number"]
    ticket = api.post("/tickets", "agente", json=body, expect=201).json
    assert ticket["customer"]["name"] == "Pedro Páramo" and ticket["customer"]["number"].startswith("C-")
    assert ticket["service_address"] == "Comala 1"
    assert ticket["contact_phone"] == "4491111111"
    # A time without a zone is taken as UTC.
    assert datetime.fromisoformat(ticket["reported_at"]) == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def test_a_customer_is_required_and_must_exist(api, complaint_body):
    unknown = api.post("/tickets", "agente", json=complaint_body(customer_number="C-0000"), expect=422).json
    assert set(unknown["errors"]) == {"customer_number"}
    body = complaint_body()
    del body["customer_number"]
    assert set(api.post("/tickets", "agente", json=body, expect=422).json["errors"]) == {"customer"}


def test_invalid_complaint_fields_are_reported_together(api, complaint_body):
    body = complaint_body(channel="fax", priority="urgent", description="", contact_email="not-an-address",
                          equipment_model="x" * 81)
    errors = api.post("/tickets", "agente", json=body, expect=422).json["errors"]
    assert set(errors) == {"channel", "priority", "description", "contact_email", "equipment_model"}
    assert api.get("/tasks", "agente").json == {"tasks": []}  # nothing was created


def test_a_ticket_shows_assignment_sla_and_timeline_to_staff(api, diagnosing):
    ticket = api.ticket(diagnosing.number, "tecnico1")
    assert ticket["status"]["code"] == "diagnosing"
    assert ticket["category"] == "lentitud"
    assert ticket["team"]["code"] == "soporte_n1"
    assert ticket["assignee"]["username"] in ("tecnico1", "tecnico2")
    reported = datetime.fromisoformat(ticket["reported_at"])
    assert datetime.fromisoformat(ticket["sla_due_at"]) > reported
    assert ticket["estimated_resolution_at"]
    assert ticket["sla"]["resolution"] == {"due_at": ticket["sla_due_at"], "done_at": None, "status": "on_time"}
    assert ticket["sla"]["response"]["due_at"] == ticket["response_due_at"]
    assert ticket["sla"]["response"]["done_at"] == ticket["first_responded_at"]  # the validation answered
    assert ticket["sla"]["response"]["status"] == "on_time" and ticket["sla"]["paused"] is False
    assert [t["title"] for t in ticket["open_tasks"]] == ["Diagnóstico"]
    kinds = [event["kind"] for event in ticket["timeline"]]
    assert kinds[0] == "opened" and "assigned" in kinds and "task_completed" in kinds
    validated = next(e for e in ticket["timeline"] if e["kind"] == "task_completed")
    assert validated["actor"]["username"] == "agente" and validated["on_behalf_of"] is None


def test_reported_high_priority_is_kept_with_its_sla(open_complaint):
    """A customer who reports alta keeps alta (8 h SLA), whatever the category asks for."""
    complaint = open_complaint(priority="alta")
    complaint.validate(category="facturacion")
    ticket = complaint.ticket
    assert ticket["priority"] == "alta"
    hours = (datetime.fromisoformat(ticket["sla_due_at"]) - datetime.fromisoformat(ticket["reported_at"]))
    assert hours.total_seconds() == 8 * 3600


def test_any_active_kind_may_be_opened_and_an_unknown_one_is_refused(api, complaint_body, trial_kind):
    trial_kind()
    ticket = api.post("/tickets", "agente", json=complaint_body(kind="prueba"), expect=201).json
    assert ticket["number"].startswith("P-") and ticket["kind"] == "prueba"
    assert ticket["status"] == {"code": "received", "label": "Recibida"}
    refused = api.post("/tickets", "agente", json=complaint_body(kind="reparto"), expect=422).json
    assert refused["errors"] == {"kind": ["No existe el tipo de caso reparto."]}
    complaint = api.post("/tickets", "agente", json=complaint_body(), expect=201).json
    assert complaint["kind"] == "complaint" and complaint["number"].startswith("Q-")
