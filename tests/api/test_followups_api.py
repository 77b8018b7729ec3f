"""Follow-ups through the API: evaluate for a ticket number, then act; report a typified subject; a
ticket's answer and maximum response date on GET /tickets/{number}; documented in OpenAPI."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import Ticket
from tests.services.followups.conftest import START, classified_complaint


def test_evaluate_then_act_on_an_overdue_ticket(api):
    clock.freeze(START)
    earlier = classified_complaint("C-1002")
    number = earlier.number
    clock.freeze(earlier.response_due_at + timedelta(hours=2))

    seen = api.get(f"/followups/{number}?customer_disagrees=false", "agente").json
    assert seen["action"] == "create_late_response_ticket" and seen["followup"] is None
    assert seen["initial"]["overdue"] is True and seen["initial"]["answer"] is None
    assert seen["line_of_business"] == "negocio"

    acted = api.post(f"/followups/{number}", "agente", json={"customer_disagrees": False, "channel": "phone"}).json
    assert acted["action"] == "create_late_response_ticket" and acted["followup"].startswith("S-")
    assert acted["followup"] in acted["words"]

    followup = api.get(f"/tickets/{acted['followup']}", "agente").json
    assert followup["kind"] == "followup" and followup["priority"] == "alta"
    assert followup["response_due_at"] is not None and followup["answer"] is None
    again = api.get(f"/followups/{number}", "agente").json
    assert again["followups"][0]["number"] == acted["followup"] and again["action"] == "tell_deadline"


def test_bad_input_and_rights(api):
    clock.freeze(START)
    number = classified_complaint("C-1002").number
    bad = api.post(f"/followups/{number}", "agente", json={"channel": "fax"}, expect=422).json
    assert set(bad["errors"]) == {"customer_disagrees", "channel"}
    api.get(f"/followups/{number}", "tecnico1", expect=403)
    api.get("/followups/Q-2026-999999", "agente", expect=404)
    assert db.session.query(Ticket).filter_by(kind="followup").count() == 0


def test_report_gestion_de_cobranza_for_a_non_customer_in_person(api):
    subjects = api.get("/followups/subjects", "agente").json["subjects"]
    cobranza = next(s for s in subjects if s["code"] == "gestion_cobranza")
    assert cobranza["channel_substitutes"] == {"in_person": "email"} and cobranza["non_customers"]
    assert [f["name"] for f in cobranza["fields"]] == ["nombre", "telefono", "email", "descripcion"]
    created = api.post("/followups/reports", "agente", expect=201, json={
        "subject": "gestion_cobranza", "channel": "in_person",
        "details": {"nombre": "Rosa Núñez", "telefono": "4497778899", "email": "",
                    "descripcion": "Recibo cobros de otra persona."}}).json
    assert created["channel"] == "email" and created["category"] == "gestion_cobranza"
    assert created["team"]["code"] == "gestion_clientes"


def test_openapi_documents_the_follow_up_routes(api):
    spec = api.get("/openapi.json", None).json
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/followups/{number}"])
    assert "FollowupResult" in spec["components"]["schemas"]
    assert "answer" in spec["components"]["schemas"]["Ticket"]["properties"]
