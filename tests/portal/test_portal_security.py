"""The portal's refusals: another customer's ticket by number or id on every route, CSRF, rate limits,
security headers."""
from __future__ import annotations

from sqlalchemy import func, select

from app.config import TestConfig
from app.extensions import db
from app.models import Attachment, Ticket
from app.portal import limiter
from tests.portal.conftest import EMAILS, Customer
from tests.portal.helpers import ready_task, to_confirmation, validate
from tests.portal.test_portal_tickets import PNG, new_complaint, only_ticket


def _portal_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("portal.") and "ref" in r.arguments]


def test_every_ticket_route_answers_404_for_another_customers_ticket(app, customer):
    owner = customer("C-1002")
    new_complaint(owner, files=[("modem.png", PNG)], contact=EMAILS["C-1002"])
    foreign = to_confirmation(validate(only_ticket()))
    task = ready_task(foreign, "confirmar_resolucion")
    attachment = db.session.scalar(select(Attachment).where(Attachment.ticket_id == foreign.id))
    intruder = customer("C-1001")
    new_complaint(intruder)
    own = only_ticket()
    rules = _portal_rules(app)
    assert {r.endpoint for r in rules} >= {"portal.ticket", "portal.ticket_state", "portal.message", "portal.task",
                                          "portal.attachment"}
    for rule in rules:
        for ref in (foreign.number, str(foreign.id)):
            # The foreign ticket itself, and the intruder's own ticket with the foreign task or attachment.
            for ticket_ref in (ref, own.number):
                url = app.url_map.bind("localhost").build(rule.endpoint, {
                    "ref": ticket_ref, "task_id": task.id, "attachment_id": attachment.id})
                if ticket_ref == own.number and not ({"task_id", "attachment_id"} & rule.arguments):
                    continue
                method = "GET" if "GET" in rule.methods else "POST"
                response = (intruder.get(url, expect=None) if method == "GET"
                            else intruder.post(url, {"text": "hola", "solved": "true"}, expect=None))
                assert response.status_code == 404, (method, url, response.status_code)
                assert foreign.description not in response.get_data(True)
    assert ready_task(foreign, "confirmar_resolucion").id == task.id  # nothing happened to it
    # The owner still reaches all of it, by number and by id.
    owner.get(f"/portal/tickets/{foreign.id}")
    owner.get(f"/portal/tickets/{foreign.number}/attachments/{attachment.id}")


def test_signed_out_visitors_are_sent_to_sign_in(anonymous):
    for path in ("/portal/tickets", "/portal/tickets/new", "/portal/tickets/Q-2026-000001",
                 "/portal/tickets/1/state", "/portal/preferences"):
        assert anonymous.get(path, expect=302).headers["Location"] == f"/portal/login?next={path}"


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_lost(customer):
    c = customer("C-1001")
    response = c.client.post("/portal/tickets/new", data={
        "service_address": "x", "category": "sin_servicio", "description": "Sin internet desde ayer por la tarde",
        "preferred_contact": "email", "contact": "a@b.mx"})
    assert response.status_code == 400
    assert "código de seguridad" in response.get_data(True)
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    c.get("/portal/tickets")  # still signed in
    anonymous = Customer(c.client.application)
    assert anonymous.client.post("/portal/login", data={"email": "x", "password": "y"}).status_code == 400


def test_security_headers(customer):
    c = customer("C-1001")
    headers = c.get("/portal/tickets").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def test_rate_limits_on_login_signup_reset_and_new_ticket(app, customer):
    c = customer("C-1001")
    limiter.reset()
    try:
        app.config.update(PORTAL_LIMIT_NEW_TICKET="2 per minute", PORTAL_LIMIT_LOGIN="3 per minute",
                          PORTAL_LIMIT_SIGNUP="2 per minute", PORTAL_LIMIT_RESET="2 per minute")
        new_complaint(c)
        new_complaint(c)
        page = new_complaint(c, expect=429).get_data(True)
        assert "Demasiados intentos" in page and "data-keeps-input" in page and "Lo que escribió se conserva" in page
        other = Customer(app)
        for _n in range(3):
            other.login("nadie@example.com", expect=401)
        other.login("nadie@example.com", expect=429)
        for _n in range(2):
            other.sign_up("C-9999", "x@example.com")
        other.sign_up("C-9999", "x@example.com", expect=429)
        for _n in range(2):
            other.post("/portal/reset", {"email": "x@example.com"}, expect=200)
        other.post("/portal/reset", {"email": "x@example.com"}, expect=429)
        other.get("/portal/login")  # GET is never limited
    finally:
        limiter.reset()
        app.config.update({k: getattr(TestConfig, k) for k in (
            "PORTAL_LIMIT_NEW_TICKET", "PORTAL_LIMIT_LOGIN", "PORTAL_LIMIT_SIGNUP", "PORTAL_LIMIT_RESET")})
