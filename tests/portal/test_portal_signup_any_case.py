"""Issue 13: sign-up with "c-1001" silently never sent the link. Customer numbers and e-mails compare
case-insensitively, and the page says what to check when nothing arrives."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import CustomerAccount
from app.services.mail import outbox_service
from tests.portal.conftest import EMAILS, Customer


def test_a_lowercase_customer_number_and_a_mixed_case_e_mail_get_the_link(app, smtp):
    c = Customer(app)
    page = c.sign_up(" c-1001 ", "MARIA.Lopez@Example.COM").get_data(True)
    outbox_service.deliver_due()
    [mail] = smtp.inbox.messages
    assert mail["To"] == EMAILS["C-1001"] and mail["Auto-Submitted"] == "auto-generated"
    link = re.search(r"https?://[^/\s]+(/portal/verify/\S+)", mail.get_content()).group(1)
    c.get(link, expect=302)
    account = db.session.scalar(select(CustomerAccount))
    assert account.verified_at is not None and account.customer.number == "C-1001"
    assert "¿No le llegó nada?" in page


def test_the_page_says_what_to_check_when_nothing_arrives(app, smtp):
    page = Customer(app).sign_up("C-9999", "nadie@example.com").get_data(True)
    assert "Revise su correo" in page  # the same answer whether the data matched or not
    for hint in ("correo no deseado", "número de cliente de su factura", "449 142 0327", "soporte@net1.mx",
                 "48 horas"):
        assert hint in page
    outbox_service.deliver_due()
    assert smtp.inbox.messages == []
