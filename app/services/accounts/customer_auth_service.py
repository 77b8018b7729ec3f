"""Customer portal accounts: sign-up tied to a customer number and verified by an e-mailed link, sign-in
with server-side sessions, password reset by e-mail. Nothing here ever tells whether an account exists."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.errors import Unauthorized, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import NOTIFY_CHOICES, Customer, CustomerAccount
from app.services.accounts import browser_session
from app.services.accounts.browser_session import CUSTOMER, DUMMY_PASSWORD_HASH
from app.services.transaction import transaction
from handlers import mail, outbox

MIN_PASSWORD = 10
LinkFor = Callable[[str], str]  # token -> absolute URL of the page that takes it


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"password": [
            _("The password needs at least %(num)d characters.", num=MIN_PASSWORD)]})


def sign_up(customer_number: str, email: str, password: str, link_for: LinkFor) -> None:
    """Register (or re-register, while unverified) the account of the customer with that number when
    ``email`` is the address on file, and mail the verification link. Answers the same either way."""
    _check_password(password)
    email = (email or "").strip().lower()
    number = (customer_number or "").strip().upper()  # "c-1001" is C-1001: people type it as they like
    with transaction():
        customer = db.session.scalar(select(Customer).where(func.upper(Customer.number) == number)
                                     .order_by(Customer.id).limit(1))
        if customer is None or not email or (customer.email or "").strip().lower() != email:
            generate_password_hash(password)  # the same cost whatever the outcome
            return
        account = db.session.scalar(select(CustomerAccount).where(CustomerAccount.customer_id == customer.id))
        if account is not None and account.verified_at is not None:
            return  # already registered: the owner can reset his password
        if account is None:
            account = CustomerAccount(customer_id=customer.id, email=email, password_hash="")
            db.session.add(account)
        account.email, account.password_hash = email, generate_password_hash(password)
        db.session.flush()
        token = _serializer("portal-verify").dumps({"a": account.id, "h": account.password_hash[-16:]})
        _mail(customer, email, "portal_verify.txt", link=link_for(token))


def verify(token: str) -> bool:
    """Mark the account verified; False for a wrong, expired or used link."""
    max_age = current_app.config["PORTAL_VERIFY_HOURS"] * 3600
    try:
        data = _serializer("portal-verify").loads(token or "", max_age=max_age)
    except (BadSignature, SignatureExpired):
        return False
    with transaction():
        account = db.session.get(CustomerAccount, data.get("a"))
        if account is None or account.password_hash[-16:] != data.get("h"):
            return False
        if account.verified_at is None:
            account.verified_at = clock.now()
    return True


def sign_in(email: str, password: str) -> tuple[str, CustomerAccount]:
    account = db.session.scalar(select(CustomerAccount).where(
        CustomerAccount.email == (email or "").strip().lower()))
    ok = (check_password_hash(account.password_hash, password or "") if account
          else check_password_hash(DUMMY_PASSWORD_HASH, password or ""))
    if account is None or not ok or account.verified_at is None:
        raise Unauthorized(_("Wrong e-mail or password, or the account is not verified yet."))
    return browser_session.start(CUSTOMER, account.id), account


def session_account(token: str | None) -> CustomerAccount | None:
    row = browser_session.live(CUSTOMER, token)
    return row.account if row is not None else None


def sign_out(token: str | None) -> None:
    browser_session.end(CUSTOMER, token)


def request_reset(email: str, link_for: LinkFor) -> None:
    """Mail a reset link when a verified account has this address; silent otherwise."""
    with transaction():
        account = db.session.scalar(select(CustomerAccount).where(
            func.lower(CustomerAccount.email) == (email or "").strip().lower()))
        if account is None or account.verified_at is None:
            return
        token = _serializer("portal-reset").dumps({"a": account.id, "h": account.password_hash[-16:]})
        _mail(account.customer, account.email, "portal_reset.txt", link=link_for(token))


def reset_password(token: str, password: str) -> None:
    """Set a new password from a reset link (single use: the link names the old password's hash) and end
    every session of the account."""
    max_age = current_app.config["PORTAL_RESET_HOURS"] * 3600
    try:
        data = _serializer("portal-reset").loads(token or "", max_age=max_age)
    except (BadSignature, SignatureExpired):
        data = None
    with transaction():
        account = db.session.get(CustomerAccount, data.get("a")) if data else None
        if account is None or account.password_hash[-16:] != data.get("h"):
            raise ValidationFailed(_("This link is not valid any more. Ask for a new one."))
        _check_password(password)
        account.password_hash = generate_password_hash(password)
        browser_session.end_all(CUSTOMER, account.id)


def set_notify_by(account_id: int, choice: str) -> CustomerAccount:
    if choice not in NOTIFY_CHOICES:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"notify_by": [_("Choose an option.")]})
    with transaction():
        account = db.session.get(CustomerAccount, account_id)
        account.notify_by = choice
    return account


def _mail(customer: Customer, address: str, template: str, **context) -> None:
    subject, body = mail.render([template], customer=customer, **context)
    outbox.queue("email", ticket=None, recipient=address, subject=subject, body=body)


