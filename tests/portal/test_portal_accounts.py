"""Portal accounts: sign-up by customer number + e-mail on file, verified by link; sign-in; reset; sign-out;
nothing tells whether an account exists."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import CustomerAccount, OutboxMessage
from tests.portal.conftest import EMAILS, PASSWORD, Customer, last_link


def _mails_to(address: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == address))


def test_sign_up_verify_login_logout(app):
    c = Customer(app)
    page = c.sign_up("C-1001", "Maria.Lopez@example.com").get_data(True)
    assert "Revise su correo" in page
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == EMAILS["C-1001"]))
    assert row.subject == "Confirme su cuenta del portal de clientes"
    # Not verified yet: signing in fails with the same message as a wrong password.
    unverified = c.login(EMAILS["C-1001"], expect=401).get_data(True)
    wrong = c.login(EMAILS["C-1001"], "otra-clave-xyz", expect=401).get_data(True)
    unknown = c.login("nadie@example.com", expect=401).get_data(True)
    message = "Correo o contraseña incorrectos, o la cuenta aún no está verificada."
    assert message in unverified and message in wrong and message in unknown
    c.get(last_link(EMAILS["C-1001"], "verify"), expect=302)
    assert db.session.scalar(select(CustomerAccount)).verified_at is not None
    c.login(EMAILS["C-1001"])
    assert "Mis tickets" in c.get("/portal/tickets").get_data(True)
    cookie = c.client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    c.post("/portal/logout")
    assert c.get("/portal/tickets", expect=302).headers["Location"] == "/portal/login?next=/portal/tickets"


def test_sign_up_with_another_email_or_number_sends_nothing_and_says_the_same(app):
    c = Customer(app)
    a = c.sign_up("C-1001", "intruso@example.com").get_data(True)
    b = c.sign_up("C-9999", "intruso@example.com").get_data(True)
    assert "Revise su correo" in a and "Revise su correo" in b
    assert _mails_to("intruso@example.com") == 0
    assert db.session.scalar(select(func.count()).select_from(CustomerAccount)) == 0


def test_short_password_and_mismatch_are_refused(app):
    c = Customer(app)
    assert "al menos 10" in c.sign_up("C-1001", EMAILS["C-1001"], "corta", expect=422).get_data(True)
    c.refresh_token("/portal/signup")
    page = c.post("/portal/signup", {"customer_number": "C-1001", "email": EMAILS["C-1001"],
                                     "password": PASSWORD, "password2": PASSWORD + "x"}, expect=422)
    assert "no coinciden" in page.get_data(True)


def test_a_bad_verification_link_is_refused(anonymous):
    assert "no es válido" in anonymous.get("/portal/verify/basura", expect=400).get_data(True)


def test_password_reset_by_email_is_single_use_and_ends_sessions(app, customer):
    signed_in = customer("C-1002")
    c = Customer(app)
    c.refresh_token("/portal/reset")
    known = c.post("/portal/reset", {"email": EMAILS["C-1002"]}, expect=200).get_data(True)
    unknown = c.post("/portal/reset", {"email": "nadie@example.com"}, expect=200).get_data(True)
    assert "Si alguna cuenta usa esa dirección" in known and "Si alguna cuenta usa esa dirección" in unknown
    assert _mails_to("nadie@example.com") == 0
    link = last_link(EMAILS["C-1002"], "reset")
    c.refresh_token(link)
    c.post(link, {"password": "nueva-clave-456", "password2": "nueva-clave-456"})
    again = c.post(link, {"password": "otra-clave-789", "password2": "otra-clave-789"}, expect=422)
    assert "no es válido" in again.get_data(True)
    signed_in.get("/portal/tickets", expect=302)  # the old session ended with the reset
    Customer(app).login(EMAILS["C-1002"], PASSWORD, expect=401)
    c.login(EMAILS["C-1002"], "nueva-clave-456")


def test_notification_preference(customer):
    c = customer("C-1001")
    assert "Solo aquí en el portal" in c.get("/portal/preferences").get_data(True)
    c.post("/portal/preferences", {"notify_by": "portal"})
    assert db.session.scalar(select(CustomerAccount.notify_by)) == "portal"
    c.post("/portal/preferences", {"notify_by": "fax"}, expect=422)


def test_signing_in_leads_back_to_the_page_asked_for_never_elsewhere(app):
    c = Customer(app)
    c.sign_up("C-1001", EMAILS["C-1001"])
    c.get(last_link(EMAILS["C-1001"], "verify"), expect=302)
    c.refresh_token("/portal/login")
    back = c.post("/portal/login?next=/portal/tickets/new", {"email": EMAILS["C-1001"], "password": PASSWORD})
    assert back.headers["Location"] == "/portal/tickets/new"
    c = Customer(app)  # another browser
    c.refresh_token("/portal/login")
    away = c.post("/portal/login?next=https://evil.example/x", {"email": EMAILS["C-1001"], "password": PASSWORD})
    assert away.headers["Location"].endswith("/portal/tickets")
