"""Task forms: JSON Schemas in ``forms/``, validated field by field with Spanish messages.

A field may take its choices from data instead of listing them: ``"x-options": "categories"`` gets a
``oneOf`` of the active category leaves of the ticket's kind (``const`` the code, ``title`` the label,
``x-group`` the branch above it) each time the form is shown or validated, so the taxonomy an admin edits
is the one the form offers.

A form with a top-level ``"x-appointment"`` (its date field, its time-window field and a business calendar)
is also checked against that calendar: see ``app.services.visits.appointments``.
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.errors import DeployError, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import HumanTask, ProcessVersion, Ticket, WorkflowInstance
from app.services.cases import categories
from app.services.visits import appointments

# What ``"x-options"`` may name, and where the choices come from: ``oneOf`` entries for a kind of case.
OPTION_SOURCES = {"categories": categories.leaf_options}

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


def _load(name: str, version_id: int | None) -> dict:
    """The form as the process version stored it; a version from before forms were versioned (or a form
    used outside any process) reads forms/ as it is now."""
    stored = _stored_form(db.engine.url.render_as_string(), version_id, name) if version_id else None
    if stored is not None:
        return stored
    folder = Path(current_app.config["FORMS_DIR"]).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        raise NotFound(_("Form %(name)s does not exist.", name=name))
    return _checked(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def _checked(text: str) -> dict:
    """A schema parsed and checked once per content: an edited file is read again, never served stale."""
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


@lru_cache(maxsize=512)
def _stored_form(database: str, version_id: int, name: str) -> dict | None:
    """A form as a deployed version stored it (``None``: it has none of that name), read once per process:
    a version's forms never change. (``database``: another database's version of that id is another one.)"""
    stored = db.session.scalar(select(ProcessVersion.forms).where(ProcessVersion.id == version_id)) or {}
    return _checked(json.dumps(stored[name], sort_keys=True)) if name in stored else None


def version_of(task: HumanTask) -> int | None:
    return db.session.scalar(select(WorkflowInstance.process_version_id)
                             .where(WorkflowInstance.id == task.instance_id))


def task_schema(task: HumanTask) -> dict:
    """The form of a task as its process version has it (a running ticket keeps the form it started with)."""
    return load_schema(task.form, task.ticket.kind, version_id=version_of(task))


def validate_task(task: HumanTask, data, version_id: int | None) -> dict:
    """``data`` checked against the task's form as its process version has it (``version_id``: ``version_of``
    the task, or its instance's as the caller read it)."""
    return validate(task.form, data, task.ticket.kind, task.ticket, version_id=version_id)


def load_schema(name: str | None, kind: str | None = None, *, version_id: int | None = None) -> dict:
    """The task's JSON Schema with its ``x-options`` choices for a case of ``kind``; a task without a form
    takes an empty object."""
    if not name:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    schema = _load(name, version_id)
    if not option_fields(schema):
        return schema
    return _with_options(copy.deepcopy(schema), kind)


def option_fields(node) -> list[tuple[str, dict]]:
    """Every ``(source, field schema)`` of the schema that takes its choices from ``x-options``."""
    found = []
    if isinstance(node, dict):
        if "x-options" in node:
            found.append((node["x-options"], node))
        for value in node.values():
            found.extend(option_fields(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(option_fields(value))
    return found


def directory_forms() -> dict[str, dict]:
    """The forms of ``forms/`` by file name (read now: a deploy takes the files as they are)."""
    folder = Path(current_app.config["FORMS_DIR"])
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def schema_problems(name: str, schema: dict, leaf_codes: set[str]) -> list[DeployError]:
    """What a deploy refuses in a form: an ``x-options`` source that does not exist, and a ``category``
    field listing a code that is not a leaf of the taxonomy (better: ``"x-options": "categories"``)."""
    errors = [DeployError(_("Unknown x-options %(source)s.", source=source), file=name)
              for source, _field in option_fields(schema) if source not in OPTION_SOURCES]
    for field in _category_fields(schema):
        codes = [o.get("const") for o in field.get("oneOf", [])] + list(field.get("enum", []))
        errors += [DeployError(_("The category %(category)s does not exist in the taxonomy.", category=code),
                               file=name) for code in codes if code not in leaf_codes]
    return errors


def _category_fields(node) -> list[dict]:
    found = []
    if isinstance(node, dict):
        prop = node.get("properties", {}).get("category") if isinstance(node.get("properties"), dict) else None
        if isinstance(prop, dict) and "x-options" not in prop:
            found.append(prop)
        for value in node.values():
            found.extend(_category_fields(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_category_fields(value))
    return found


def _with_options(schema: dict, kind: str | None) -> dict:
    for source, field in option_fields(schema):
        if source not in OPTION_SOURCES:
            raise LookupError(f"x-options {source!r} is not one of {sorted(OPTION_SOURCES)}")
        field["oneOf"] = OPTION_SOURCES[source](kind)
    return schema


def validate(name: str | None, data, kind: str | None = None, ticket: Ticket | None = None, *,
             version_id: int | None = None) -> dict:
    """Return ``data`` if it satisfies the form, else raise ``ValidationFailed`` with per-field errors.

    ``ticket`` is the case the task belongs to: an appointment must also fit its visit's team agenda."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("The form data must be an object."), errors={"data": [_("Must be an object.")]})
    schema = load_schema(name, kind, version_id=version_id)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        for field, message in _field_errors(error):
            errors.setdefault(field, []).append(message)
    if not errors and "x-appointment" in schema:
        errors = appointments.problems(data, schema["x-appointment"], ticket)
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
