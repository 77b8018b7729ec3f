"""Customer-portal fixtures: a browser-like client for one customer (its own cookie jar, posts with its CSRF
token), accounts created through the real sign-up + e-mailed link, and cleanup of the portal's rows."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import CustomerAccount, CustomerSession, OutboxMessage
from tests.form_client import FormClient

PASSWORD = "clave-segura-123"
EMAILS = {"C-1001": "maria.lopez@example.com", "C-1002": "juan.perez@example.com",
          "C-1003": "lucia.h@example.com"}


class Customer(FormClient):
    home = "/portal/login"

    def sign_up(self, number: str, email: str, password: str = PASSWORD, expect: int = 200):
        self.refresh_token("/portal/signup")
        return self.post("/portal/signup", {"customer_number": number, "email": email, "password": password,
                                            "password2": password}, expect=expect)

    def login(self, email: str, password: str = PASSWORD, expect: int = 302):
        self.refresh_token("/portal/login")
        response = self.post("/portal/login", {"email": email, "password": password}, expect=expect)
        if response.status_code == 302:
            self.refresh_token("/portal/tickets")
        return response


def last_link(recipient: str, kind: str) -> str:
    """The path of the last ``/portal/<kind>/...`` link mailed to ``recipient`` (from the outbox)."""
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                            .order_by(OutboxMessage.id.desc()))
    assert row is not None, f"no mail to {recipient}"
    found = re.search(rf"https?://[^/\s]+(/portal/{kind}/\S+)", row.body)
    assert found, row.body
    return found.group(1)


@pytest.fixture(autouse=True)
def _portal_rows(app):
    yield
    db.session.rollback()
    db.session.execute(delete(CustomerSession))
    db.session.execute(delete(CustomerAccount))
    db.session.commit()


@pytest.fixture
def customer(app):
    """``customer("C-1001")``: a verified, signed-in client of that demo customer."""
    def make(number: str = "C-1001"):
        client = Customer(app)
        client.sign_up(number, EMAILS[number])
        client.get(last_link(EMAILS[number], "verify"), expect=302)
        client.login(EMAILS[number])
        return client

    return make


@pytest.fixture
def anonymous(app):
    return Customer(app)
