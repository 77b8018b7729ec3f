"""One upload, read and checked: the files sorted, the forms each process uses found, every problem listed.

An upload holds .bpmn, .dmn and form .json (JSON Schema) files. A decision table uploaded alone is checked
(and published) with the deployed diagrams that call it, so a DMN-only upload is never a silent no-op.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from flask import current_app
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import select

from app.errors import DeployError
from app.extensions import db
from app.i18n import _
from app.models import Team
from app.services.cases import categories
from app.services.processes import changes, forms
from app.services.processes.report import CheckReport, PathResult, Problem
from app.workflow import checks, deploy, simulate
from app.workflow.deploy import DeployableProcess, DeployErrors
from handlers import notices as notice_handler
from handlers.registry import operations


@dataclass
class Upload:
    diagrams: dict[str, bytes] = field(default_factory=dict)  # .bpmn/.dmn to build, deployed ones added
    forms: dict[str, dict] = field(default_factory=dict)  # uploaded forms by file name
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    """A process the upload would publish, with the forms it uses and the hash of both."""

    process: DeployableProcess
    forms: dict[str, dict]
    content_hash: str


@dataclass
class Analysis:
    report: CheckReport
    candidates: list[Candidate]


def prepare(files: dict[str, bytes]) -> Upload:
    prepared = Upload()
    for name, content in sorted(files.items()):
        if name.endswith((".bpmn", ".dmn")):
            prepared.diagrams[name] = content
        elif name.endswith(".json"):
            _read_form(prepared, name, content)
        else:
            prepared.problems.append(Problem(name, "", "", None, _(
                "Only .bpmn, .dmn and form .json files are accepted.")))
    if not any(n.endswith(".bpmn") for n in prepared.diagrams):
        _add_callers(prepared)
    else:
        _add_called_tables(prepared)
    return prepared


def _read_form(prepared: Upload, name: str, content: bytes) -> None:
    try:
        schema = json.loads(content.decode("utf-8"))
        Draft202012Validator.check_schema(schema)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        prepared.problems.append(Problem(name, "", "", getattr(err, "lineno", None),
                                         _("The form is not valid JSON: %(error)s", error=str(err))))
        return
    except SchemaError as err:
        prepared.problems.append(Problem(name, "", "", None,
                                         _("The form is not a valid JSON Schema: %(error)s", error=err.message)))
        return
    if not isinstance(schema, dict):
        prepared.problems.append(Problem(name, "", "", None, _("The form must be a JSON object.")))
        return
    prepared.forms[name] = schema


def _add_callers(prepared: Upload) -> None:
    """Decision tables or forms without a diagram: take the deployed diagrams (their latest version) that call
    those decisions or use those forms, so the upload is checked and published with them."""
    decisions = checks.decision_ids({n: c for n, c in prepared.diagrams.items() if n.endswith(".dmn")})
    wanted = [(decision_id, file_name, lambda v, d=decision_id: d in checks.called_decisions(
        v.sources[v.source_file])) for decision_id, file_name in sorted(decisions.items())]
    wanted += [(form, form, lambda v, f=form: f in checks.used_forms(v.sources[v.source_file]))
               for form in sorted(prepared.forms)]
    latest = changes.latest_versions()
    for what, file_name, uses in wanted:
        users = [v for v in latest if v.sources and v.source_file in v.sources and uses(v)]
        if not users:
            prepared.problems.append(Problem(file_name, "", "", None, _(
                "No deployed process uses %(what)s: upload it with the diagram that uses it.", what=what)))
            continue
        prepared.notes.append(_("%(what)s is checked and published with the deployed process(es) %(processes)s "
                                "that use it.", what=what, processes=", ".join(sorted({v.process_id for v in users}))))
        for version in users:
            for name, text in version.sources.items():
                prepared.diagrams.setdefault(name, text.encode("utf-8"))


def _add_called_tables(prepared: Upload) -> None:
    """Diagrams without the decision tables they call: take the deployed copy of each table."""
    defined = set(checks.decision_ids({n: c for n, c in prepared.diagrams.items() if n.endswith(".dmn")}))
    called = set().union(*(checks.called_decisions(c) for n, c in prepared.diagrams.items() if n.endswith(".bpmn")))
    missing = called - defined
    for version in changes.latest_versions() if missing else []:
        for name, text in (version.sources or {}).items():
            found = set(checks.decision_ids({name: text.encode("utf-8")})) & missing if name.endswith(".dmn") else set()
            if found and name not in prepared.diagrams:
                prepared.diagrams[name] = text.encode("utf-8")
                prepared.notes.append(_("The decision table %(file)s is the deployed one (not in the upload).",
                                        file=name))
                missing -= found


def process_ids(prepared: Upload) -> set[str]:
    return checks.executable_process_ids(prepared.diagrams)


def analyse(prepared: Upload) -> Analysis:
    report = CheckReport(problems=list(prepared.problems), notes=list(prepared.notes))
    if not prepared.diagrams:
        report.problems += [Problem.of(e) for e in _category_problems(prepared, prepared.forms)]
        return Analysis(report, [])
    try:
        broken = checks.broken_flows(prepared.diagrams)
        if broken:  # SpiffWorkflow would blame the wrong element
            raise DeployErrors(broken)
        built = deploy.build(prepared.diagrams)
    except DeployErrors as err:
        report.problems += [Problem.of(e) for e in err.all]
        return Analysis(report, [])
    available = _available_forms(prepared)
    known_operations = operations()
    context = checks.CheckContext(
        operations=known_operations, forms=available, lane_roles=current_app.config["LANE_ROLES"],
        teams=set(db.session.scalars(select(Team.code))),
        operation_checks={"notify": notice_handler.parameter_problems})
    report.problems += [Problem.of(e) for e in checks.problems(prepared.diagrams, context)]
    report.problems += [Problem.of(e) for e in _category_problems(prepared, available)]
    if not built and not report.problems:
        report.problems.append(Problem(next(iter(sorted(prepared.diagrams))), "", "", None, _(
            "The upload holds no executable process: nothing would be published.")))
    used = checks.form_references(prepared.diagrams)
    candidates = []
    for process in built:
        process_forms = {ref.form: available[ref.form] for ref in used.get(process.process_id, [])
                         if ref.form in available}
        candidates.append(Candidate(process, process_forms, _hash(process, process_forms)))
    report.changes = [changes.of(c.process, c.forms, c.content_hash) for c in candidates]
    if not report.problems:  # a diagram with problems would only fail the simulation for the same reasons
        for candidate in candidates:
            report.simulation += [PathResult(**path) for path in
                                  simulate.paths(candidate.process, available, known_operations)]
    return Analysis(report, candidates)


def _available_forms(prepared: Upload) -> dict[str, dict]:
    """Forms by file name: the upload's, else forms/, else the latest deployed copy."""
    available = changes.deployed_forms()
    available.update(forms.directory_forms())
    available.update(prepared.forms)
    return available


def _category_problems(prepared: Upload, available: dict[str, dict]) -> list[DeployError]:
    """A decision table or a form naming a category code the taxonomy lacks is refused."""
    known = categories.leaf_codes()
    errors = [DeployError(_("The category %(category)s does not exist in the taxonomy.", category=ref.code),
                          file=ref.file, element=ref.element, line=ref.line)
              for ref in deploy.category_references(prepared.diagrams) if ref.code not in known]
    used = {ref.form for refs in checks.form_references(prepared.diagrams).values() for ref in refs}
    for name in sorted(used | set(prepared.forms)):
        if name in available:
            errors += forms.schema_problems(name, available[name], known)
    return errors


def _hash(process: DeployableProcess, process_forms: dict[str, dict]) -> str:
    """The spec's hash, and the forms' when it uses any: a changed form is a new version of its process."""
    if not process_forms:
        return process.content_hash
    return hashlib.sha256((process.content_hash + json.dumps(process_forms, sort_keys=True)).encode()).hexdigest()
