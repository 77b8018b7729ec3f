"""What every API schema shares: translated error messages, length limits, derived fields, references."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

from marshmallow import RAISE, Schema, fields, validate

from app.i18n import _l

# Marshmallow's own messages never reach the catalogs; these do (the msgids of app.services.processes.forms where
# one exists).
_FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field cannot be null."),
    "invalid": _l("Invalid value."),
}


class ApiSchema(Schema):
    """Base schema: unknown fields are an error, and every message goes through the catalogs."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Invalid input type.")}

    class Meta:
        unknown = RAISE

    @classmethod
    @cache
    def shared(cls, many: bool = False) -> ApiSchema:
        """One instance per schema, reused by every request: building one deep-copies its fields and
        binds them, and its nested schemas again (about a millisecond for a ticket). Schemas keep no
        per-call state, so threads share them."""
        return cls(many=many)

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.error_messages = {
            key: _FIELD_MESSAGES.get(key, _FIELD_MESSAGES["invalid"]) for key in field_obj.error_messages}


def _at_most(n: int) -> validate.Length:
    return validate.Length(max=n, error=_l("At most %(n)s characters.", n=n))


def string(max_length: int, *, required: bool = False, **kwargs) -> fields.String:
    """A string field bounded like its column; a required one must not be empty either."""
    rules = [_at_most(max_length)]
    if required:
        rules.insert(0, validate.Length(min=1, error=_l("This field cannot be empty.")))
    return fields.String(required=required, validate=rules, **kwargs)


# Ids and offsets the database can hold (32-bit integer columns), moments its date arithmetic can handle
# (a year-1 date shifted to Mexico City's time zone or by an SLA overflows).
MAX_INTEGER = 2**31 - 1
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def integer(minimum: int = 0, maximum: int = MAX_INTEGER, **kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=minimum, max=maximum, error=_l("Value not allowed.")),
                          **kwargs)


def moment(**kwargs) -> fields.AwareDateTime:
    """A date and time with its time zone, between 1970 and 2200."""
    return fields.AwareDateTime(validate=validate.Range(min=EARLIEST, max=LATEST, error=_l("Date out of range.")),
                                **kwargs)


def email(*, metadata: dict | None = None) -> fields.String:
    # Not fields.Email: it builds its validator before on_bind_field can translate the message.
    return fields.String(validate=[_at_most(254), validate.Email(error=_l("Invalid e-mail address."))],
                         metadata={"format": "email", **(metadata or {})})


def one_of(choices, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(choices, error=_l("Value not allowed.")), **kwargs)


def derived(field: fields.Field, getter: Callable[[object], object]) -> fields.Field:
    """``field`` dumping ``getter(obj)`` instead of one attribute: data shaped or looked up apart from
    the object's columns, still documented with ``field``'s type."""
    field.get_value = lambda obj, attr, accessor=None, default=None: getter(obj)
    return field


def itself(obj):
    """Getter for a nested object made of the parent's own columns (a ticket's status, its survey)."""
    return obj


class UserRefSchema(ApiSchema):
    username = fields.String()
    full_name = fields.String()


class TeamRefSchema(ApiSchema):
    code = fields.String()
    name = fields.String()
