"""Links in mails never follow the request's Host header (issue 9, item 6)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.portal.conftest import EMAILS, Customer


def test_a_forged_host_never_gets_a_reset_link_mailed(app, customer):
    """The probe's attack: ``Host: evil.example`` on the reset form, with PORTAL_BASE_URL unset."""
    customer("C-1002")  # a verified account
    c = Customer(app)
    c.refresh_token("http://evil.example/portal/reset")
    response = c.client.post("http://evil.example/portal/reset", data={"email": EMAILS["C-1002"],
                                                                        "csrf_token": c.token})
    assert response.status_code == 400
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.recipient == EMAILS["C-1002"],
                                                            OutboxMessage.body.contains("/portal/reset/"))) is None
    c.refresh_token("/portal/reset")
    c.post("/portal/reset", {"email": EMAILS["C-1002"]}, expect=200)  # the same form on our own host: mailed
    assert "http://localhost/portal/reset/" in db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.body.contains("/portal/reset/")))


def test_with_a_base_url_the_link_uses_it_whatever_the_host(app, customer, monkeypatch):
    customer("C-1002")
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://soporte.net1.mx/")
    c = Customer(app)
    c.refresh_token("/portal/reset")
    c.post("/portal/reset", {"email": EMAILS["C-1002"]}, expect=200)
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.body.contains("/portal/reset/")))
    assert "https://soporte.net1.mx/portal/reset/" in body and "localhost" not in body
