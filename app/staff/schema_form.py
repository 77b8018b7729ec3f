"""HTML forms from a task's JSON Schema (forms/*.schema.json), and the submitted form back to JSON values.

Only presentation and input parsing live here; ``task_service.complete_task`` validates against the schema.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.datastructures import MultiDict

from app import clock
from app.i18n import _, format_date, ngettext

LONG_TEXT = 200  # longer strings get a text area
FILE_FORMAT = "attachment"  # {"type": "string", "format": "attachment"}: a file kept with the ticket
RADIO_MAX = 4  # up to this many choices are radios, more are a select
# An appointment form (``x-appointment``) offered with its free slots shows one choice per slot instead of
# its date and window fields; the choice comes back as "YYYY-MM-DD HH:MM-HH:MM".
SLOT_FIELD = "visit_slot"


@dataclass
class Field:
    name: str
    label: str
    help: str
    widget: str  # text | textarea | select | radio | date | datetime | number | integer | file | slots
    required: bool
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    # The options under their headings when the schema groups them (``x-group``: a category's branch).
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Required only when another field has a value (the schema's if/then): [(field, value), ...]. The page
    # shows it only then (forms.js); without JavaScript every field shows and the server still decides.
    shown_when: list[tuple[str, str]] = field(default_factory=list)


def fields(schema: dict, raw: dict[str, str] | None = None, errors: dict | None = None,
           slots: list | None = None) -> list[Field]:
    """The form's fields; with ``slots`` (free ``app.services.visits.slots.Slot``s) an appointment form's date
    and window are one choice among them."""
    raw, errors = raw or {}, errors or {}
    appointment = schema.get("x-appointment") if slots is not None else None
    required = set(schema.get("required", []))
    conditional = _conditions(schema)
    result = []
    for name, prop in schema.get("properties", {}).items():
        if appointment and name == appointment["date"]:
            result.append(_slot_field(appointment, slots, raw, errors))
        if appointment and name in (appointment["date"], appointment["window"]):
            continue
        options = _options(prop)
        default = prop.get("default")
        value = raw.get(name, _as_text(default) if default is not None else "")
        result.append(Field(
            name=name, label=prop.get("title", name), help=prop.get("description", ""),
            widget=_widget(prop, options), required=name in required, value=value, options=options,
            groups=_groups(prop),
            errors=[str(m) for m in errors.get(name, [])], max_length=prop.get("maxLength"),
            minimum=prop.get("minimum"), maximum=prop.get("maximum"), shown_when=conditional.get(name, [])))
    return result


def _slot_field(appointment: dict, slots: list, raw: dict, errors: dict) -> Field:
    days: dict[str, list[tuple[str, str]]] = {}
    for slot in slots:
        heading = format_date(slot.day, "EEEE d 'de' MMMM 'de' y")
        seats = ngettext("%(num)s place left", "%(num)s places left", slot.free)
        days.setdefault(heading, []).append((slot.value, f"{slot.window.replace('-', ' a ')} ({seats})"))
    typed = (raw.get(appointment["date"]), raw.get(appointment["window"]))  # a post with the date and window fields
    chosen = raw.get(SLOT_FIELD) or " ".join(value for value in typed if value)
    problems = [*errors.get(SLOT_FIELD, []), *errors.get(appointment["date"], []),
                *errors.get(appointment["window"], [])]
    return Field(name=SLOT_FIELD, label=_("Day and time of the visit"), widget="slots", required=True,
                 help=_("Only the times with a free place are shown.") if slots else
                 _("There are no free places in the coming days."),
                 value=chosen, groups=list(days.items()), errors=[str(m) for m in problems])


def _conditions(schema: dict) -> dict[str, list[tuple[str, str]]]:
    """Fields the schema requires only under an ``if`` on one field's constant (top level or in allOf)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for rule in [schema, *schema.get("allOf", [])]:
        test = rule.get("if", {}).get("properties", {})
        if len(test) != 1 or "const" not in next(iter(test.values())):
            continue
        (controller, const), = ((k, v["const"]) for k, v in test.items())
        for name in rule.get("then", {}).get("required", []):
            found.setdefault(name, []).append((controller, _as_text(const)))
    return found


def parse(schema: dict, form: MultiDict, files: MultiDict | None = None):
    """Typed data for the schema, the raw strings to show again if it is refused, and the uploads of its
    file fields ({field: (file name, bytes)}). An empty field is left out, so that "required" reports it."""
    data, raw, uploads = {}, {}, {}
    appointment = schema.get("x-appointment")
    if appointment and form.get(SLOT_FIELD):
        day, _sep, window = form[SLOT_FIELD].partition(" ")
        form = MultiDict({**form.to_dict(), appointment["date"]: day, appointment["window"]: window})
        raw[SLOT_FIELD] = f"{day} {window}"
    for name, prop in schema.get("properties", {}).items():
        if prop.get("format") == FILE_FORMAT:
            upload = (files or {}).get(name)
            if upload is not None and upload.filename:
                uploads[name] = (upload.filename, upload.read())
            continue
        text = form.get(name, "")
        raw[name] = text
        if text.strip():
            data[name] = _convert(prop, text.strip())
    return data, raw, uploads


def describe(schema: dict, data: dict | None) -> list[tuple[str, str]]:
    """What an earlier step gathered, as (label, readable value) in the form's order."""
    data = data or {}
    props = schema.get("properties", {})
    names = [n for n in props if n in data] + [n for n in data if n not in props]
    return [(props.get(n, {}).get("title", n), _readable(props.get(n, {}), data[n])) for n in names]


def _widget(prop: dict, options: list) -> str:
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "boolean":
        return "radio"
    if options:
        return "radio" if len(options) <= RADIO_MAX else "select"
    if fmt == FILE_FORMAT:
        return "file"
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    if kind in ("number", "integer"):
        return kind
    if fmt == "textarea" or (prop.get("maxLength") or 0) > LONG_TEXT:
        return "textarea"
    return "text"


def _options(prop: dict) -> list[tuple[str, str]]:
    if "oneOf" in prop and all("const" in o for o in prop["oneOf"]):
        return [(_as_text(o["const"]), o.get("title", _as_text(o["const"]))) for o in prop["oneOf"]]
    if "enum" in prop:
        return [(_as_text(v), _as_text(v)) for v in prop["enum"]]
    if prop.get("type") == "boolean":
        return [("true", _("Yes")), ("false", _("No"))]
    return []


def _groups(prop: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    choices = prop.get("oneOf", [])
    if not choices or not all("x-group" in o and "const" in o for o in choices):
        return []
    groups: dict[str, list[tuple[str, str]]] = {}
    for o in choices:
        groups.setdefault(o["x-group"], []).append((_as_text(o["const"]), o.get("title", _as_text(o["const"]))))
    return list(groups.items())


def _convert(prop: dict, text: str):
    kind = prop.get("type")
    try:
        if kind == "boolean":
            return {"true": True, "false": False}.get(text, text)
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
    except ValueError:
        return text  # the schema reports the wrong type next to the field
    if prop.get("format") == "date-time":
        return _local_to_iso(text)
    return text


def _local_to_iso(text: str) -> str:
    """``datetime-local`` input is the office's wall time; the data keeps ISO 8601 with its offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.OFFICE_TZ)
    return moment.isoformat()


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _readable(prop: dict, value) -> str:
    if prop.get("format") == FILE_FORMAT:
        return _("File kept in the ticket's attachments.")
    for const, title in _options(prop):
        if const == _as_text(value):
            return title
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    return _as_text(value)
