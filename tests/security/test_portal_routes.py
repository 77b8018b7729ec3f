"""Every customer-area page, from the URL map: signed-out visitors go to the sign-in page, edge values never
make a 5xx, and another customer's ticket stays unseen (issue 9, "Keep it proven")."""
from __future__ import annotations

from tests.portal.conftest import Customer
from tests.security.conftest import fingerprint, form
from tests.security.walk import PUBLIC, routes, server_errors, walk


def test_every_page_sends_a_signed_out_visitor_to_sign_in(app, foreign):
    visitor = Customer(app)
    visitor.refresh_token("/portal/login")
    wrong = []
    for route, response in walk(visitor.client, routes(app, "portal"), foreign,
                                data={"csrf_token": visitor.token}):
        if route.endpoint in PUBLIC:
            ok = response.status_code < 500
        else:
            # A post's CSRF check runs before the sign-in check: its 400 refuses too.
            ok = response.status_code in (401, 403) or (route.method == "POST" and response.status_code == 400) or (
                response.status_code == 302 and "/portal/login" in response.headers["Location"])
        if not ok:
            wrong.append(f"{route}: {response.status_code} {response.headers.get('Location', '')}")
    assert not wrong, wrong


def test_edge_values_never_answer_a_server_error(app, portal_client):
    customer = portal_client("C-1001")
    found = server_errors(customer.client, routes(app, "portal"), data={"csrf_token": customer.token},
                          skip_unparametrized_posts=True)
    assert not found, found


def test_another_customers_ticket_stays_unseen(app, foreign, portal_client):
    """The complaint is C-1001's: C-1002 gets a refusal from every page naming it, and changes nothing."""
    other = portal_client("C-1002")
    named = [r for r in routes(app, "portal") if r.params and set(r.params) <= set(foreign)]
    assert named, "no portal page names a ticket any more?"
    served = []
    for route in named:
        before = fingerprint(foreign["number"])
        [(route, response)] = walk(other.client, [route], foreign, data=form(csrf_token=other.token))
        if response.status_code not in (403, 404) or fingerprint(foreign["number"]) != before:
            served.append(f"{route}: {response.status_code}")
    assert not served, served
