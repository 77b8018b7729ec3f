"""The process analyst's workbench: the deployed processes with their versions, what waits where, the files
to edit in the modeler with the choices its properties panel offers, a test ticket on a chosen version and
a roll back to an earlier version (a new version with the old content, published like any change)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import func, select

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import AuditEvent, CaseKind, HumanTask, ProcessVersion, Team, Ticket, User, WorkflowInstance
from app.services.accounts.permissions import may_manage_processes
from app.services.cases import ticket_service
from app.services.processes import forms
from handlers.registry import operations

FORM_SUFFIX = ".schema.json"


@dataclass
class VersionRow:
    version: ProcessVersion
    deployed_by: str
    reason: str
    waiting: int  # open user tasks of tickets running on it
    failed: int  # instances stopped on an error


@dataclass
class ProcessSummary:
    process_id: str
    name: str
    source_file: str
    versions: list[VersionRow] = field(default_factory=list)
    kind: CaseKind | None = None  # the kind of case that starts it: a test ticket can be opened on it

    @property
    def latest(self) -> VersionRow:
        return self.versions[-1]

    @property
    def waiting(self) -> int:
        return sum(v.waiting for v in self.versions)


def overview(actor: User) -> list[ProcessSummary]:
    """Every deployed process with all its versions, oldest first."""
    require_analyst(actor)
    versions = db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_id,
                                                                  ProcessVersion.version)).all()
    waiting = _counts(select(WorkflowInstance.process_version_id, func.count(HumanTask.id))
                      .join(HumanTask, HumanTask.instance_id == WorkflowInstance.id)
                      .where(HumanTask.status == "ready").group_by(WorkflowInstance.process_version_id))
    failed = _counts(select(WorkflowInstance.process_version_id, func.count(WorkflowInstance.id))
                     .where(WorkflowInstance.status == "error").group_by(WorkflowInstance.process_version_id))
    deployers = _deployers()
    kinds = {k.process_id: k for k in db.session.scalars(select(CaseKind).where(CaseKind.active.is_(True)))}
    processes: dict[str, ProcessSummary] = {}
    for version in versions:
        summary = processes.setdefault(version.process_id, ProcessSummary(
            version.process_id, version.name, version.source_file, kind=kinds.get(version.process_id)))
        summary.name, summary.source_file = version.name, version.source_file
        who, why = deployers.get(f"{version.process_id} v{version.version}", ("", ""))
        summary.versions.append(VersionRow(version, who, why, waiting.get(version.id, 0), failed.get(version.id, 0)))
    return list(processes.values())


def process(process_id: str, actor: User) -> ProcessSummary:
    found = next((p for p in overview(actor) if p.process_id == process_id), None)
    if found is None:
        raise NotFound(_("Process %(process)s is not deployed.", process=process_id))
    return found


def _counts(query) -> dict[int, int]:
    return {key: count for key, count in db.session.execute(query)}


def _deployers() -> dict[str, tuple[str, str]]:
    """Who deployed each version and why, from the audit trail ("queja_reparacion v3" → (name, reason))."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "process_deployed")
                                .order_by(AuditEvent.id))
    found = {}
    for event in events:
        who = event.actor.full_name if event.actor else (event.actor_name or "")
        found[event.target] = (_("command line") if who == "cli" else who, (event.changes or {}).get("reason", ""))
    return found


def waiting_at(process_id: str, number: int, actor: User) -> dict[str, dict[str, int]]:
    """Per element of one version: the open user tasks waiting there and the instances failed there."""
    version = _version(process_id, number, actor)
    ready = db.session.execute(
        select(HumanTask.task_name, func.count(HumanTask.id))
        .join(WorkflowInstance, HumanTask.instance_id == WorkflowInstance.id)
        .where(WorkflowInstance.process_version_id == version.id, HumanTask.status == "ready")
        .group_by(HumanTask.task_name))
    failed = db.session.execute(
        select(WorkflowInstance.error_task, func.count(WorkflowInstance.id))
        .where(WorkflowInstance.process_version_id == version.id, WorkflowInstance.status == "error")
        .group_by(WorkflowInstance.error_task))
    counts: dict[str, dict[str, int]] = {}
    for name, count in ready:
        counts.setdefault(name, {})["waiting"] = count
    for name, count in failed:
        counts.setdefault(name or "", {})["failed"] = count
    return counts


def _version(process_id: str, number: int, actor: User) -> ProcessVersion:
    require_analyst(actor)
    version = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                            ProcessVersion.version == number))
    if version is None:
        raise NotFound(_("Version %(n)s of %(process)s does not exist.", n=number, process=process_id))
    return version


def version_source(process_id: str, number: int, actor: User) -> str:
    """The diagram (BPMN XML) one version was built from."""
    version = _version(process_id, number, actor)
    return version.sources[version.source_file]


def workspace(actor: User) -> dict[str, str]:
    """The files an analyst edits, as live now: each diagram and table of the newest version that has it, and
    the forms ({"queja_reparacion.bpmn": xml, ..., "forms/diagnostico.schema.json": json})."""
    require_analyst(actor)
    files: dict[str, str] = {}
    for version in db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.deployed_at,
                                                                      ProcessVersion.id)):
        files.update(version.sources)
    files.update({f"forms/{name}": text for name, text in _forms().items()})
    return dict(sorted(files.items()))


def _forms() -> dict[str, str]:
    folder = Path(current_app.config["FORMS_DIR"])
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"*{FORM_SUFFIX}"))}


def catalog(actor: User) -> dict:
    """What the modeler's properties panel offers: operations with their parameters, forms, teams, lanes."""
    require_analyst(actor)
    return {
        "operations": [{"name": op.name, "doc": op.doc, "results": list(op.results),
                        "parameters": [{"name": p.name, "required": p.required, "description": str(p.description),
                                        "default": None if p.default is None else json.dumps(p.default)}
                                       for p in op.parameters]}
                       for op in operations().values()],
        "forms": sorted(_forms()),
        "teams": [{"code": t.code, "name": t.name} for t in db.session.scalars(select(Team).order_by(Team.code))],
        "lanes": current_app.config["LANE_ROLES"],
    }


def start_test_ticket(process_id: str, number: int, customer_number: str, actor: User) -> Ticket:
    """A ticket marked as a test, started on the chosen version of a process that a kind of case starts."""
    version = _version(process_id, number, actor)
    kind = db.session.scalar(select(CaseKind).where(CaseKind.process_id == process_id))
    if kind is None:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"version": [
            _("No kind of case starts this process: it runs only as part of another one.")]})
    return ticket_service.open_test_case(kind=kind.code, version=version, customer_number=customer_number,
                                         actor=actor)


def require_analyst(actor: User) -> None:
    if not may_manage_processes(actor):
        raise Forbidden(_("Only process analysts may see or change processes."))


def form_preview(text: str, actor: User) -> dict:
    """A form being edited, checked as a JSON Schema and with its ``x-options`` choices filled in as a task page
    would show it; anything else is refused with the reason."""
    require_analyst(actor)
    try:
        schema = json.loads(text)
        Draft202012Validator.check_schema(schema)
    except ValueError as err:
        raise ValidationFailed(_("The form is not valid JSON: %(error)s", error=str(err))) from None
    except SchemaError as err:
        raise ValidationFailed(_("The form is not a valid JSON Schema: %(error)s", error=err.message)) from None
    if not isinstance(schema, dict):
        raise ValidationFailed(_("A form is a JSON object with its fields under \\"properties\\"."))
    for source, field_schema in forms.option_fields(schema):
        if source not in forms.OPTION_SOURCES:
            raise ValidationFailed(_("Unknown x-options %(source)s.", source=source))
        field_schema["oneOf"] = forms.OPTION_SOURCES[source](None)
    return schema
