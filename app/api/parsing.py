"""Request input through marshmallow: a rejected field becomes ``ValidationFailed`` (422) field by field."""
from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from app.errors import ValidationFailed
from app.i18n import _

# Marshmallow's key for errors about the whole input rather than one field.
_WHOLE = "_schema"


def json_body(schema: Schema):
    """The JSON body loaded by ``schema``; Flask answers 415 when it isn't JSON and 400 when malformed."""
    data = request.get_json()
    _refuse_lone_surrogates(data)
    return _load(schema, data)


def query_args(schema: Schema):
    return _load(schema, request.args.to_dict())


def _load(schema: Schema, data):
    try:
        return schema.load(data)
    except ValidationError as err:
        raise ValidationFailed(_("Please correct the marked fields."), errors=_field_errors(err.messages)) from None


def _refuse_lone_surrogates(data, path: str = "") -> None:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``): text no database or mail can store. Refuse it here,
    naming the field, before anything is written."""
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={path or "body": [_("The text contains invalid characters.")]}) from None
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_lone_surrogates(key, path or "body")
            _refuse_lone_surrogates(value, ".".join(filter(None, (path, str(key)))))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_lone_surrogates(value, ".".join(filter(None, (path, str(index)))))


def _field_errors(messages, path: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages to ``{"customer.email": [...]}`` (whole input: ``body``)."""
    if not isinstance(messages, dict):  # a lazy (translated) message is not wrapped in a list
        leaves = messages if isinstance(messages, list) else [messages]
        return {path or "body": [str(message) for message in leaves]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        child = path if key == _WHOLE else ".".join(filter(None, (path, str(key))))
        for field, found in _field_errors(value, child).items():
            flat.setdefault(field, []).extend(found)
    return flat
