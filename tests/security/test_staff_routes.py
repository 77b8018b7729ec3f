"""Every staff page, from the URL map: signed-out visitors go to the sign-in page, edge values never make a
5xx, and a ticket someone may not see stays unseen (issue 9, "Keep it proven")."""
from __future__ import annotations

from tests.security.conftest import fingerprint, form
from tests.security.walk import PUBLIC, routes, server_errors, walk
from tests.staff.conftest import Staff


def test_every_page_sends_a_signed_out_visitor_to_sign_in(app, foreign):
    visitor = Staff(app)
    visitor.refresh_token("/staff/login")  # posts carry a valid CSRF token: the refusal is the login's
    wrong = []
    for route, response in walk(visitor.client, routes(app, "staff"), foreign, data={"csrf_token": visitor.token}):
        if route.endpoint in PUBLIC:
            ok = response.status_code < 500
        else:
            ok = response.status_code in (401, 403) or (
                response.status_code == 302 and "/staff/login" in response.headers["Location"])
        if not ok:
            wrong.append(f"{route}: {response.status_code} {response.headers.get('Location', '')}")
    assert not wrong, wrong


def test_edge_values_never_answer_a_server_error(app):
    admin = Staff(app, "admin")
    found = server_errors(admin.client, routes(app, "staff"), data={"csrf_token": admin.token},
                          skip_unparametrized_posts=True)
    assert not found, found


def test_a_ticket_stays_unseen_by_staff_who_may_not_see_it(app, foreign):
    """The analyst sees no complaint: every page naming the complaint, its task or its file refuses him (a
    refused post goes back with the reason and changes nothing on the ticket)."""
    analyst = Staff(app, "analista")
    named = [r for r in routes(app, "staff") if r.params and set(r.params) <= set(foreign)]
    assert named, "no staff page names a ticket any more?"
    served = []
    for route in named:
        before = fingerprint(foreign["number"])
        [(route, response)] = walk(analyst.client, [route], foreign, data=form(csrf_token=analyst.token))
        refused = response.status_code in (403, 404) or (
            route.method == "POST" and response.status_code == 302 and fingerprint(foreign["number"]) == before)
        if not refused:
            served.append(f"{route}: {response.status_code}")
    assert not served, served
