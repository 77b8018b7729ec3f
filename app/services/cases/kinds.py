"""Kinds of case as data: each kind's number prefix, diagram and statuses (``processes/kinds/<kind>.json``).

Deploy adds what a file brings and never overwrites what an admin edited in the browser: an existing
kind gets its prefix and process from the file (they belong with the diagram), its label stays; missing
statuses are added, existing ones keep their labels and flags.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.errors import DeployError, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import CHANNEL_LABELS, CaseKind, CaseStatus, Ticket, User
from app.services.transaction import transaction
from app.workflow.deploy import DeployErrors

KINDS_DIR = "kinds"

_CODE = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 30}
KIND_FILE_SCHEMA = {
    "type": "object",
    "required": ["code", "label", "prefix", "process", "statuses"],
    "additionalProperties": False,
    "properties": {
        "code": {**_CODE, "maxLength": 20},
        "label": {"type": "string", "minLength": 1, "maxLength": 80},
        "prefix": {"type": "string", "pattern": "^[A-Z]{1,5}$"},
        "process": {"type": "string", "minLength": 1, "maxLength": 120},
        "statuses": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "label", "public", "terminal"], "additionalProperties": False,
            "properties": {"code": _CODE, "label": {"type": "string", "minLength": 1, "maxLength": 120},
                           "customer_label": {"type": "string", "minLength": 1, "maxLength": 160},
                           "public": {"type": "boolean"}, "notify_customer": {"type": "boolean"},
                           "terminal": {"type": "boolean"}}}},
        "categories": {"type": "array", "items": {
            "type": "object", "required": ["path", "code"], "additionalProperties": False,
            "properties": {"path": {"type": "array", "minItems": 3, "maxItems": 3,
                                    "items": {"type": "string", "minLength": 1, "maxLength": 160}},
                           "code": {**_CODE, "maxLength": 40}, "team": {"type": "string"},
                           "priority": {"enum": ["alta", "media", "baja"]}}}},
    },
}


@dataclass
class KindFile:
    name: str
    data: dict


# -- reading -----------------------------------------------------------------------------------------

def get_kind(code: str | None, *, active_only: bool = False) -> CaseKind:
    kind = CaseKind.of(code)
    if kind is None or (active_only and not kind.active):
        raise NotFound(_("There is no kind of case %(kind)s.", kind=code or "-"))
    return kind


def all_kinds() -> list[CaseKind]:
    return list(db.session.scalars(select(CaseKind).order_by(CaseKind.created_at, CaseKind.code)))


def kind_labels() -> dict[str, str]:
    return {kind.code: kind.label for kind in all_kinds()}


def statuses(kind: CaseKind | str) -> list[CaseStatus]:
    return list(get_kind(kind).statuses if isinstance(kind, str) else kind.statuses)


def status(kind: CaseKind | str, code: str) -> CaseStatus:
    found = CaseStatus.of(kind if isinstance(kind, str) else kind.code, code)
    if found is None:
        raise NotFound(_("The status %(status)s does not exist.", status=code))
    return found


def open_status_codes(kind: CaseKind | str | None = None) -> list[str]:
    return CaseStatus.open_codes(kind.code if isinstance(kind, CaseKind) else kind)


def status_label(ticket: Ticket) -> str:
    return ticket.status_label


def customer_status_label(ticket: Ticket) -> str:
    return ticket.customer_status_label


def customer_status_choices() -> dict[str, str]:
    """Status codes a customer may filter his cases by (those he is told about), with the wording he is
    shown (first kind wins)."""
    choices: dict[str, str] = {}
    for kind in all_kinds():
        for row in kind.statuses:
            if row.public:
                choices.setdefault(row.code, row.customer_label)
    return choices


def channel_labels() -> dict[str, str]:
    return {code: str(label) for code, label in CHANNEL_LABELS.items()}


def priority_labels() -> dict[str, str]:
    return {"alta": _("high"), "media": _("medium"), "baja": _("low")}


# -- deploy ------------------------------------------------------------------------------------------

def read_kind_files(directory: str | Path) -> list[KindFile]:
    """The kind files of ``<processes>/kinds/``, checked (raises ``DeployErrors`` naming each problem)."""
    folder = Path(directory) / KINDS_DIR
    if not folder.is_dir():
        return []
    files, errors = [], []
    validator = Draft202012Validator(KIND_FILE_SCHEMA)
    for path in sorted(folder.glob("*.json")):
        name = f"{KINDS_DIR}/{path.name}"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            errors.append(DeployError(_("Not valid JSON: %(error)s", error=str(err)), file=name))
            continue
        problems = [DeployError(f"{'/'.join(map(str, e.absolute_path)) or '-'}: {e.message}", file=name)
                    for e in validator.iter_errors(data)]
        if not problems and path.stem != data["code"]:
            problems.append(DeployError(_("The file must be named after its code (%(code)s.json).",
                                          code=data["code"]), file=name))
        errors.extend(problems)
        if not problems:
            files.append(KindFile(name, data))
    errors.extend(_clashes(files))
    if errors:
        raise DeployErrors(errors)
    return files


def _clashes(files: list[KindFile]) -> list[DeployError]:
    errors, prefixes = [], {}
    for file in files:
        other = prefixes.setdefault(file.data["prefix"], file.name)
        if other != file.name:
            errors.append(DeployError(_("The prefix %(prefix)s is already used by %(other)s.",
                                        prefix=file.data["prefix"], other=other), file=file.name))
        codes = [s["code"] for s in file.data["statuses"]]
        errors.extend(DeployError(_("The status %(status)s appears twice.", status=code), file=file.name)
                      for code in sorted({c for c in codes if codes.count(c) > 1}))
    return errors


def upsert_kind(file: KindFile) -> CaseKind:
    """Create or update one kind and add its missing statuses (inside the caller's transaction)."""
    data = file.data
    clash = db.session.scalar(select(CaseKind).where(CaseKind.prefix == data["prefix"],
                                                     CaseKind.code != data["code"]))
    if clash is not None:
        raise DeployErrors([DeployError(_("The prefix %(prefix)s is already used by %(other)s.",
                                          prefix=data["prefix"], other=clash.code), file=file.name)])
    kind = db.session.get(CaseKind, data["code"])
    if kind is None:
        kind = CaseKind(code=data["code"], label=data["label"], active=True)
        db.session.add(kind)
    kind.prefix, kind.process_id = data["prefix"], data["process"]
    existing = {row.code for row in kind.statuses}
    next_position = max((row.position for row in kind.statuses), default=-1) + 1
    for entry in data["statuses"]:
        if entry["code"] in existing:
            continue
        kind.statuses.append(CaseStatus(
            code=entry["code"], label=entry["label"], customer_label=entry.get("customer_label", entry["label"]),
            public=entry["public"], notify_customer=entry["public"] and entry.get("notify_customer", True),
            terminal=entry["terminal"], position=next_position))
        next_position += 1
    db.session.flush()
    return kind


# -- admin (in the browser) --------------------------------------------------------------------------

def require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator manages the kinds of case and the categories."))


def kind_list(actor: User) -> list[CaseKind]:
    require_admin(actor)
    return all_kinds()


def kind_page(code: str, actor: User) -> CaseKind:
    require_admin(actor)
    return get_kind(code)


def update_status(kind_code: str, code: str, *, label: str, customer_label: str, public: bool,
                  notify_customer: bool, actor: User) -> CaseStatus:
    """An admin's wording of a status, for staff and for the customer, whether the customer sees it and
    whether he is sent a message when his case enters it (only a status he sees: he could not read it)."""
    require_admin(actor)
    row = status(kind_code, code)
    label, customer_label = (label or "").strip(), (customer_label or "").strip()
    errors = {}
    for name, value, most in (("label", label, 120), ("customer_label", customer_label, 160)):
        if not value:
            errors[name] = [_("This field is required.")]
        elif len(value) > most:
            errors[name] = [_("At most %(n)s characters.", n=most)]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        row.label, row.customer_label, row.public = label, customer_label, bool(public)
        row.notify_customer = bool(public) and bool(notify_customer)
    return row
