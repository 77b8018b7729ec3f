"""Task forms: JSON Schemas in ``forms/``, validated field by field with Spanish messages."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import current_app
from jsonschema import Draft202012Validator

from app.errors import NotFound, ValidationFailed
from app.i18n import _

_MESSAGES = {
    "required": lambda e: _("This field is required."),
    "type": lambda e: _("Wrong type of value."),
    "enum": lambda e: _("Value not allowed."),
    "const": lambda e: _("Value not allowed."),
    "oneOf": lambda e: _("Value not allowed."),
    "anyOf": lambda e: _("Value not allowed."),
    "minLength": lambda e: _("This field cannot be empty.") if e.validator_value == 1
    else _("At least %(n)s characters.", n=e.validator_value),
    "maxLength": lambda e: _("At most %(n)s characters.", n=e.validator_value),
    "minimum": lambda e: _("Must be at least %(n)s.", n=e.validator_value),
    "maximum": lambda e: _("Must be at most %(n)s.", n=e.validator_value),
    "format": lambda e: _("Invalid format (%(format)s).", format=e.validator_value),
    "additionalProperties": lambda e: _("Unknown field."),
    "pattern": lambda e: _("Invalid format."),
}


@lru_cache(maxsize=128)
def _load(forms_dir: str, name: str) -> dict:
    path = (Path(forms_dir) / name).resolve()
    if path.parent != Path(forms_dir).resolve() or not path.is_file():
        raise NotFound(_("Form %(name)s does not exist.", name=name))
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def load_schema(name: str | None) -> dict:
    """The task's JSON Schema; a task without a form takes an empty object."""
    if not name:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    return _load(current_app.config["FORMS_DIR"], name)


def choice_title(name: str, field: str, value: str | None) -> str | None:
    """The label the form gives a choice (``oneOf`` ``const``/``title``), or the value itself."""
    for option in load_schema(name).get("properties", {}).get(field, {}).get("oneOf", []):
        if option.get("const") == value:
            return option.get("title", value)
    return value


def validate(name: str | None, data) -> dict:
    """Return ``data`` if it satisfies the form, else raise ``ValidationFailed`` with per-field errors."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("The form data must be an object."), errors={"data": [_("Must be an object.")]})
    schema = load_schema(name)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        for field, message in _field_errors(error):
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    return data


def _field_errors(error):
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        yield (f"{path}.{missing}" if path else missing) or "data", _MESSAGES["required"](error)
    elif error.validator == "additionalProperties":
        extras = [p for p in error.instance if p not in error.schema.get("properties", {})]
        for extra in extras:
            yield (f"{path}.{extra}" if path else extra), _MESSAGES["additionalProperties"](error)
    else:
        message = _MESSAGES.get(error.validator, lambda e: _("Invalid value."))(error)
        yield path or "data", message
