"""Notice templates (what a ``notify`` task sends): seeded from ``processes/notices/*.json`` at deploy, then
edited by an analyst in the browser with a live preview against a ticket; every save is a new version.

The subject and body are sandboxed Jinja (the language of task instructions) over the ticket's data
(``handlers.notices.template_context``); a template that does not compile is refused at save and at deploy.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError
from sqlalchemy import select

from app import clock
from app.errors import DeployError, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import NoticeTemplate, NoticeTemplateVersion, User
from app.services.accounts.permissions import may_manage_processes
from app.services.cases.ticket_service import visible_ticket
from app.services.control import audit_service
from app.services.transaction import transaction
from app.workflow import sandbox
from app.workflow.deploy import DeployErrors
from handlers import notices

NOTICES_DIR = "notices"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
SUBJECT_CHARS, BODY_CHARS, DESCRIPTION_CHARS = 300, 20_000, 300


@dataclass(frozen=True)
class NoticeText:
    subject: str
    body: str
    description: str = ""


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    ticket_number: str | None  # None: the built-in sample ticket


# -- checking ----------------------------------------------------------------------------------------

def problems(text: NoticeText) -> dict[str, list[str]]:
    """What is wrong with a notice's text, field by field, in Spanish (empty when it may be saved)."""
    errors: dict[str, list[str]] = {}
    for field, value, most, required in (("subject", text.subject, SUBJECT_CHARS, True),
                                         ("body", text.body, BODY_CHARS, True),
                                         ("description", text.description, DESCRIPTION_CHARS, False)):
        if required and not value.strip():
            errors[field] = [_("This field is required.")]
        elif len(value) > most:
            errors[field] = [_("At most %(n)s characters.", n=most)]
        elif field != "description" and (message := syntax_error(value)):
            errors[field] = [message]
    return errors


def syntax_error(source: str) -> str | None:
    """The template's syntax error as an analyst reads it (line and what is wrong), or None."""
    try:
        sandbox.template(source)
    except TemplateSyntaxError as err:
        return _("Line %(line)s: %(problem)s", line=err.lineno, problem=_explain(err.message or ""))
    return None


def _explain(message: str) -> str:
    """Jinja's commonest complaints in Spanish; anything else as Jinja says it."""
    if message.startswith("Unexpected end of template"):
        return _("the template ends before a block is closed ({% endif %}, {% endfor %}).")
    if match := re.match(r"Encountered unknown tag '([^']+)'", message):
        return _("unknown tag %(tag)s (use if, for, set; close them with endif, endfor).", tag=match.group(1))
    if match := re.match(r"unexpected '([^']+)'", message):
        return _("unexpected %(text)s: check that every {{ is closed by }} and every block tag by its closing "
                 "mark.", text=match.group(1))
    return _("the template is not valid: %(error)s", error=message)


# -- deploy ------------------------------------------------------------------------------------------

def load_seed(directory: str | Path) -> list[str]:
    """Add the notices of ``<processes>/notices/*.json`` that do not exist yet (inside the caller's
    transaction); an existing one keeps what an analyst wrote. Returns the names added."""
    folder = Path(directory) / NOTICES_DIR
    if not folder.is_dir():
        return []
    seeds, errors = [], []
    for path in sorted(folder.glob("*.json")):
        name = f"{NOTICES_DIR}/{path.name}"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            text = NoticeText(str(data["subject"]), str(data["body"]), str(data.get("description", "")))
        except (ValueError, UnicodeDecodeError, KeyError, TypeError) as err:
            errors.append(DeployError(_("A notice file is a JSON object with subject and body: %(error)s",
                                        error=str(err)), file=name))
            continue
        if not NAME.match(path.stem):
            errors.append(DeployError(_("A notice is named with lowercase letters, digits and _."), file=name))
        errors += [DeployError(f"{field}: {message}", file=name)
                   for field, messages in problems(text).items() for message in messages]
        seeds.append((path.stem, text))
    if errors:
        raise DeployErrors(errors)
    existing = notices.known_template_names()
    added = [name for name, _text in seeds if name not in existing]
    for name, text in seeds:
        if name not in existing:
            _add(name, text, None)
    return added


def _add(name: str, text: NoticeText, actor: User | None) -> NoticeTemplate:
    row = NoticeTemplate(name=name, description=text.description.strip(), subject=text.subject, body=text.body,
                         version=1, updated_by_id=actor.id if actor else None)
    row.versions.append(NoticeTemplateVersion(version=1, subject=text.subject, body=text.body,
                                              created_by_id=actor.id if actor else None))
    db.session.add(row)
    db.session.flush()
    return row


# -- the analyst's pages -----------------------------------------------------------------------------

def require_analyst(actor: User) -> None:
    if not may_manage_processes(actor):
        raise Forbidden(_("Only process analysts may see or edit the notices."))


def template_list(actor: User) -> list[NoticeTemplate]:
    require_analyst(actor)
    return list(db.session.scalars(select(NoticeTemplate).order_by(NoticeTemplate.name)))


def get_template(name: str, actor: User) -> NoticeTemplate:
    require_analyst(actor)
    row = NoticeTemplate.named(name)
    if row is None:
        raise NotFound(_("There is no notice template named %(name)s.", name=name))
    return row


def create_template(name: str, text: NoticeText, actor: User) -> NoticeTemplate:
    require_analyst(actor)
    name = (name or "").strip()
    errors = problems(text)
    if not NAME.match(name):
        errors["name"] = [_("Lowercase letters, digits and _, starting with a letter (at most 60).")]
    elif NoticeTemplate.named(name) is not None:
        errors["name"] = [_("There is already a notice named %(name)s.", name=name)]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        row = _add(name, text, actor)
        audit_service.record("notice_saved", actor, name, {"version": 1})
    return row


def save_template(name: str, text: NoticeText, actor: User) -> NoticeTemplate:
    """A new version of the notice ``name`` (the running tickets send the newest one from then on)."""
    row = get_template(name, actor)
    errors = problems(text)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    if (row.subject, row.body, row.description) == (text.subject, text.body, text.description.strip()):
        return row
    with transaction():
        row.version += 1
        row.subject, row.body, row.description = text.subject, text.body, text.description.strip()
        row.updated_by_id = actor.id
        row.updated_at = clock.now()
        row.versions.append(NoticeTemplateVersion(version=row.version, subject=text.subject, body=text.body,
                                                  created_by_id=actor.id))
        audit_service.record("notice_saved", actor, name, {"version": row.version})
    return row


def preview(text: NoticeText, ticket_number: str, actor: User) -> Preview:
    """The notice as it would go out for ``ticket_number`` (a ticket the actor may see: the preview shows its
    customer's data), else for a sample ticket; a syntax or rendering error is a ``ValidationFailed``."""
    require_analyst(actor)
    errors = {field: messages for field, messages in problems(text).items() if field != "description"}
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    ticket = visible_ticket(ticket_number.strip(), actor) if (ticket_number or "").strip() else None
    context = notices.template_context(ticket) if ticket is not None else SAMPLE_CONTEXT
    try:
        subject, body = notices.render(text.subject, text.body, context, sandbox.render_template)
    except Exception as err:  # whatever the template does wrong at run time, the analyst reads why
        raise ValidationFailed(_("The notice could not be rendered: %(error)s", error=str(err)),
                               errors={"body": [str(err)]}) from err
    return Preview(subject, body, ticket.number if ticket is not None else None)


# What a preview renders with when no ticket is named (the fields of ``Ticket.snapshot()``).
SAMPLE_CONTEXT = {
    "ticket": {"number": "Q-2026-000001", "kind": "complaint", "channel": "phone", "status": "diagnosing",
               "priority": "alta", "reported_priority": None, "category": "sin_servicio",
               "description": "Sin servicio desde ayer", "customer_number": "C-1001",
               "customer_name": "María López", "service_address": "Av. Universidad 100, Aguascalientes",
               "team": "campo", "assignee": "tecnico1", "response_due_at": "2026-12-07T16:00:00+00:00",
               "sla_due_at": "2026-12-08T16:00:00+00:00", "sla_warning_at": "2026-12-08T10:00:00+00:00",
               "estimated_resolution_at": "2026-12-08T16:00:00+00:00", "round": 1},
    "kind_label": "Queja", "status_label": "En diagnóstico",
    "ticket_url": "https://example.com/portal/tickets/Q-2026-000001", "data": {},
}
