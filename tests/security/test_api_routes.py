"""Every API route, from the URL map: refused without a token, never a 5xx on edge values, and a ticket
someone may not see stays unseen (issue 9, "Keep it proven")."""
from __future__ import annotations

from app.services.demo_service import DEMO_PASSWORD
from tests.security.conftest import DESCRIPTION, fingerprint
from tests.security.walk import PUBLIC, routes, server_errors, walk

BODIES = {"complete": '{"data": {}}', "messages": '{"text": "Ya funciona, gracias"}'}


def token(client, username: str) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_every_route_refuses_a_request_without_token(app, client, foreign):
    wrong = []
    for route, response in walk(client, routes(app, "api"), foreign, data="{}",
                                headers={"Content-Type": "application/json"}):
        if route.endpoint in PUBLIC:
            ok = response.status_code < 500
        else:
            ok = response.status_code in (401, 403) and response.is_json and "message" in response.json
        if not ok:
            wrong.append(f"{route}: {response.status_code}")
    assert not wrong, wrong


def test_edge_values_never_answer_a_server_error(app, client):
    found = server_errors(client, routes(app, "api"), headers=token(client, "admin"),
                          skip_unparametrized_posts=True)
    assert not found, found


def test_a_ticket_stays_unseen_by_staff_who_may_not_see_it(app, client, foreign):
    """The analyst sees no complaint: every route naming the complaint refuses him (403/404, or 400/422 for a
    body the route's schema refuses), shows none of its data and changes nothing on it."""
    headers = {**token(client, "analista"), "Content-Type": "application/json"}
    named = [r for r in routes(app, "api") if r.params and set(r.params) <= set(foreign)]
    assert named, "no API route names a ticket any more?"
    served = []
    for route in named:
        # A body the route's schema accepts where we know one, so the answer is about the ticket.
        body = BODIES.get(route.rule.rsplit("/", 1)[-1], "{}")
        before = fingerprint(foreign["number"])
        [(route, response)] = walk(client, [route], foreign, data=body, headers=headers)
        shown = any(secret in response.get_data(True) for secret in (DESCRIPTION, "María López"))
        if response.status_code in (400, 403, 404, 422) and not shown and fingerprint(foreign["number"]) == before:
            continue
        served.append(f"{route}: {response.status_code}")
    assert not served, served
