"""An API POST with an Idempotency-Key is done once: a retry answers the first response."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Ticket


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_a_retried_post_with_the_same_key_answers_the_first_ticket(api, complaint_body):
    key = {"Idempotency-Key": "alta-crm-0001"}
    first = api.post("/tickets", "agente", json=complaint_body(), headers=key, expect=201)
    again = api.post("/tickets", "agente", json=complaint_body(), headers=key, expect=201)
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and count() == 1


def test_the_same_key_with_another_body_is_refused_in_spanish(api, complaint_body):
    key = {"Idempotency-Key": "alta-crm-0002"}
    api.post("/tickets", "agente", json=complaint_body(), headers=key, expect=201)
    refused = api.post("/tickets", "agente", json=complaint_body(description="Otra cosa distinta"), headers=key,
                       expect=409)
    assert "clave" in refused.json["message"] and count() == 1


def test_a_refused_request_does_not_use_up_its_key(api, complaint_body):
    key = {"Idempotency-Key": "alta-crm-0003"}
    api.post("/tickets", "agente", json=complaint_body(description=""), headers=key, expect=422)
    api.post("/tickets", "agente", json=complaint_body(description=""), headers=key, expect=422)
    assert count() == 0


def test_without_a_key_each_post_is_its_own(api, complaint_body):
    api.post("/tickets", "agente", json=complaint_body(), expect=201)
    api.post("/tickets", "agente", json=complaint_body(), expect=201)
    assert count() == 2
