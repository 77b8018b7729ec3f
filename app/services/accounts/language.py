"""The pages' language, per staff user and per customer account: Spanish (the default) or English."""
from __future__ import annotations

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import CustomerAccount, User
from app.services.transaction import transaction

DEFAULT = "es"
LANGUAGES = {"es": "Español", "en": "English"}  # each named in its own language, as a switch shows it


def _checked(code: str) -> str:
    if code not in LANGUAGES:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"language": [_("Choose an option.")]})
    return code


def set_staff_language(user_id: int, code: str) -> None:
    code = _checked(code)
    with transaction():
        db.session.get(User, user_id).language = code


def set_customer_language(account_id: int, code: str) -> None:
    code = _checked(code)
    with transaction():
        db.session.get(CustomerAccount, account_id).language = code
