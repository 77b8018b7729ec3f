"""Bearer tokens, and errors that are always JSON: never HTML, never a stack trace."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import clock
from app.services.cases import ticket_read
from app.services.demo_service import DEMO_PASSWORD

PUBLIC_ENDPOINTS = {"api.issue_token", "api.openapi_document"}


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(True)
    assert response.mimetype == "application/json"
    body = response.json
    assert isinstance(body.get("message"), str) and body["message"]
    assert "Traceback" not in response.get_data(True)
    return body


def test_a_token_is_issued_for_valid_credentials(api):
    response = api.post("/auth/token", None, json={"username": "tecnico1", "password": DEMO_PASSWORD})
    assert set(response.json) == {"token", "expires_at"}
    assert api.get("/tasks", None, headers={"Authorization": f"Bearer {response.json['token']}"}).json == {
        "tasks": []}


@pytest.mark.parametrize("credentials", [
    {"username": "tecnico1", "password": "wrong"},
    {"username": "nobody", "password": DEMO_PASSWORD},
])
def test_wrong_credentials_are_401(api, credentials):
    assert_json_error(api.post("/auth/token", None, json=credentials, expect=None), 401)


def test_credentials_missing_a_field_are_422(api):
    body = assert_json_error(api.post("/auth/token", None, json={"username": "tecnico1"}, expect=None), 422)
    assert set(body["errors"]) == {"password"}


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic dGVjbmljbzE6eA=="])
def test_missing_or_invalid_token_is_401_with_a_bearer_challenge(api, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = api.get("/tasks", None, headers=headers, expect=None)
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401(api):
    token = api.token("tecnico1")
    clock.advance(timedelta(hours=12, minutes=1))
    response = api.get("/tasks", None, headers={"Authorization": f"Bearer {token}"}, expect=None)
    assert_json_error(response, 401)


def _example_path(rule: str) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: "1" if m.group(0).startswith("<int:") else "X", rule)


def test_every_route_but_the_token_and_the_document_requires_a_token(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert_json_error(client.open(_example_path(rule.rule), method=method, json={}), 401)
            checked += 1
    assert checked >= 10


def test_malformed_json_is_400(api):
    response = api.post("/tickets", "agente", data="{not json", content_type="application/json", expect=None)
    assert_json_error(response, 400)


def test_a_body_that_is_not_json_is_415(api):
    response = api.post("/tickets", "agente", data={"channel": "phone"}, expect=None)
    assert_json_error(response, 415)


def test_unknown_fields_are_422_per_field(api, complaint_body):
    response = api.post("/tickets", "agente", json=complaint_body(colour="red"), expect=None)
    assert assert_json_error(response, 422)["errors"] == {"colour": ["Campo no reconocido."]}


def test_wrong_types_are_422_per_field(api, complaint_body):
    body = complaint_body(channel=5, description=["x"], reported_at="yesterday", customer={"name": 3})
    errors = assert_json_error(api.post("/tickets", "agente", json=body, expect=None), 422)["errors"]
    assert set(errors) == {"channel", "description", "reported_at", "customer.name"}


def test_a_json_body_that_is_not_an_object_is_422(api):
    errors = assert_json_error(api.post("/tickets", "agente", json=[1, 2], expect=None), 422)["errors"]
    assert set(errors) == {"body"}


def test_unknown_ticket_is_404(api):
    assert_json_error(api.get("/tickets/Q-1999-000001", "supervisor", expect=None), 404)


def test_unknown_route_and_wrong_method_are_json(api):
    assert_json_error(api.get("/nowhere", "supervisor", expect=None), 404)
    assert_json_error(api.call("DELETE", "/tickets", "supervisor", expect=None), 405)


def test_an_unexpected_error_is_a_json_500_without_details(api, monkeypatch):
    def broken(number, user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(ticket_read, "visible", broken)
    body = assert_json_error(api.get("/tickets/Q-2026-000001", "supervisor", expect=None), 500)
    assert "secret internals" not in body["message"]
