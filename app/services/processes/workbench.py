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
from sqlalchemy.orm import undefer

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import CaseKind, HumanTask, ProcessVersion, Team, Ticket, User, WorkflowInstance
from app.services.accounts.permissions import may_manage_processes
from app.services.cases import ticket_service
from app.services.processes import changes, forms, process_service
from app.services.processes.process_service import DeployResult
from app.services.processes.report import CheckReport
from app.workflow import checks
from app.workflow.deploy import DeployErrors
from handlers.registry import operations

FORM_SUFFIX = ".schema.json"
FORMS_PREFIX = "forms/"  # the modeler names forms by their folder, as in the repository


@dataclass
class VersionRow:
    version: ProcessVersion
    deployed_by: str
    reason: str
    waiting: int  # open user tasks of tickets running on it
    failed: int  # instances stopped on an error
    changes: list[str] = field(default_factory=list)  # from the version before (``process`` fills it)


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
    kinds = {k.process_id: k for k in db.session.scalars(select(CaseKind).where(CaseKind.active.is_(True)))}
    processes: dict[str, ProcessSummary] = {}
    for version in versions:
        summary = processes.setdefault(version.process_id, ProcessSummary(
            version.process_id, version.name, version.source_file, kind=kinds.get(version.process_id)))
        summary.name, summary.source_file = version.name, version.source_file
        who = version.deployed_by.full_name if version.deployed_by else _("command line")
        summary.versions.append(VersionRow(version, who, version.reason or "", waiting.get(version.id, 0),
                                           failed.get(version.id, 0)))
    return list(processes.values())


def process(process_id: str, actor: User) -> ProcessSummary:
    """One process with its versions, each with what changed from the one before it."""
    found = next((p for p in overview(actor) if p.process_id == process_id), None)
    if found is None:
        raise NotFound(_("Process %(process)s is not deployed.", process=process_id))
    for before, row in zip(found.versions, found.versions[1:], strict=False):
        row.changes = _changes(before.version, row.version)
    return found


def _changes(before: ProcessVersion, after: ProcessVersion) -> list[str]:
    """What ``after`` changed from ``before``, one readable line per element, rule or form."""
    old, new = before.sources or {}, after.sources or {}
    lines = [_element_line(change) for change in checks.element_diff(
        old.get(before.source_file, ""), new.get(after.source_file, ""), after.process_id)]
    for name in sorted(n for n in new if n.endswith(".dmn")):
        lines += [_rule_line(name, change) for change in checks.rule_diff(old.get(name, ""), new[name])]
    old_forms, new_forms = before.forms or {}, after.forms or {}
    lines += [_("Form %(name)s changed.", name=name) if name in old_forms else _("Form %(name)s added.", name=name)
              for name in sorted(new_forms) if old_forms.get(name) != new_forms[name]]
    return lines or [_("Same elements: only the drawing or technical details changed.")]


def _kind_labels() -> dict[str, str]:
    return {"userTask": _("user task"), "serviceTask": _("service task"), "scriptTask": _("script task"),
            "businessRuleTask": _("decision task"), "sequenceFlow": _("flow"), "exclusiveGateway": _("gateway"),
            "parallelGateway": _("parallel gateway"), "inclusiveGateway": _("inclusive gateway"),
            "startEvent": _("start event"), "endEvent": _("end event"), "boundaryEvent": _("boundary event"),
            "intermediateCatchEvent": _("intermediate event"), "intermediateThrowEvent": _("intermediate event"),
            "lane": _("lane"), "laneSet": _("lanes")}


def _element_line(change: dict) -> str:
    kind = _kind_labels().get(change["kind"], change["kind"])
    name = change["name"] if change["name"] and change["name"] != change["element"] else ""
    what = f"{kind} «{name}» ({change['element']})" if name else f"{kind} {change['element']}"
    details = "; ".join(str(d) for d in change.get("details", ()))
    line = {"added": _("Added: %(what)s", what=what), "removed": _("Removed: %(what)s", what=what),
            "changed": _("Changed: %(what)s", what=what)}[change["change"]]
    return f"{line}: {details}" if details else line


def _rule_line(file: str, change: dict) -> str:
    cells = {key: " | ".join(change[key]) for key in ("before", "after")}
    where = _("table %(decision)s, rule %(rule)s", decision=change["decision"], rule=change["rule"])
    if change["change"] == "added":
        return _("Added %(where)s: %(after)s", where=where, after=cells["after"])
    if change["change"] == "removed":
        return _("Removed %(where)s: %(before)s", where=where, before=cells["before"])
    return _("Changed %(where)s: %(before)s → %(after)s", where=where, before=cells["before"], after=cells["after"])


def _counts(query) -> dict[int, int]:
    return {key: count for key, count in db.session.execute(query)}


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
    every form ({"queja_reparacion.bpmn": xml, ..., "forms/diagnostico.schema.json": json})."""
    require_analyst(actor)
    files: dict[str, str] = {}
    for version in db.session.scalars(select(ProcessVersion).options(undefer(ProcessVersion.sources))
                                      .order_by(ProcessVersion.deployed_at, ProcessVersion.id)):
        files.update(version.sources or {})
    files.update({f"{FORMS_PREFIX}{name}": text for name, text in _forms().items()})
    return dict(sorted(files.items()))


def _forms() -> dict[str, str]:
    """Each form's text: the file of forms/ while it is what is deployed, else the deployed copy (published
    from the browser)."""
    folder = Path(current_app.config["FORMS_DIR"])
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"*{FORM_SUFFIX}"))}
    for name, schema in changes.deployed_forms().items():
        if name not in texts or json.loads(texts[name]) != schema:
            texts[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return dict(sorted(texts.items()))


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
        raise ValidationFailed(_("The form must be a JSON object."))
    for source, field_schema in forms.option_fields(schema):
        if source not in forms.OPTION_SOURCES:
            raise ValidationFailed(_("Unknown x-options %(source)s.", source=source))
        field_schema["oneOf"] = forms.OPTION_SOURCES[source](None)
    return schema


def check(files: dict[str, str], actor: User) -> dict:
    """The modeler's dry run of the edited files, as the page shows it."""
    return _report(process_service.check(_upload(files, actor), actor))


def publish(files: dict[str, str], reason: str, actor: User) -> dict:
    """Publish the edited files; a problem found on the way answers the report (422) instead."""
    try:
        results = process_service.publish(_upload(files, actor), actor, reason)
    except DeployErrors as err:
        raise ValidationFailed(err.message, errors={"problems": [_problem(p) for p in err.all]}) from None
    return {"results": [_result(r) for r in results]}


def rollback(process_id: str, number: int, reason: str, actor: User) -> list[DeployResult]:
    """Publish the diagram, tables and forms of an earlier version again: a new version with the old content."""
    version = _version(process_id, number, actor)
    files = {name: text.encode("utf-8") for name, text in version.sources.items()}
    files.update({name: json.dumps(schema).encode("utf-8") for name, schema in (version.forms or {}).items()})
    reason = reason.strip() and _("Roll back to version %(n)s: %(reason)s", n=number, reason=reason.strip())
    return process_service.publish(files, actor, reason)


def _upload(files: dict[str, str], actor: User) -> dict[str, bytes]:
    """The edited files, with what they need from the live ones the analyst did not edit: the diagrams that use
    an edited form (a form is published with its process) and the decision tables the diagrams call."""
    upload = {name.removeprefix(FORMS_PREFIX): text.encode("utf-8") for name, text in files.items()}
    live = {name: text.encode("utf-8") for name, text in workspace(actor).items()}
    edited_forms = {name for name in upload if name.endswith(".json")}
    for name, content in live.items():
        if not name.endswith(".bpmn") or name in upload or not edited_forms:
            continue
        if edited_forms & {ref.form for refs in checks.form_references({name: content}).values() for ref in refs}:
            upload[name] = content
    called = set().union(*(checks.called_decisions(text) for name, text in upload.items() if name.endswith(".bpmn")))
    tables = {name: content for name, content in live.items() if name.endswith(".dmn")}
    for decision, name in checks.decision_ids(tables).items():
        if decision in called and name not in upload:
            upload[name] = tables[name]
    return upload


def _problem(problem) -> dict:
    file = getattr(problem, "file", "") or ""
    if file.endswith(".json") and not file.startswith(FORMS_PREFIX):
        file = FORMS_PREFIX + file
    return {"file": file, "element": problem.element or "", "name": getattr(problem, "element_name", "") or "",
            "line": problem.line, "message": str(problem.message)}


def _result(result: DeployResult) -> dict:
    return {"process_id": result.process_id, "version": result.version, "created": result.created,
            "message": str(result.message)}


def _report(report: CheckReport) -> dict:
    lines = []
    for change in report.changes:
        if not change.creates_version:
            continue
        head = _("%(process)s: new version %(n)s", process=change.name,
                 n=(change.current_version or 0) + 1)
        lines.append(str(head))
        lines += [f"  {_element_line(vars(e) | {'details': e.details})}" for e in change.elements]
        lines += [f"  {_rule_line(r.file, vars(r))}" for r in change.rules]
        lines += [f"  {_('Form %(name)s changed.', name=name)}" for name in change.forms]
    simulation = [(_("%(process)s, path %(choices)s: ok", process=r.process_id, choices=" → ".join(r.choices) or "—")
                   if r.ok else _("%(process)s, path %(choices)s: %(message)s", process=r.process_id,
                                  choices=" → ".join(r.choices) or "—", message=r.message))
                  for r in report.simulation]
    return {"ok": report.ok, "problems": [_problem(p) for p in report.problems], "changes": lines,
            "simulation": [str(s) for s in simulation], "notes": [str(n) for n in report.notes]}
