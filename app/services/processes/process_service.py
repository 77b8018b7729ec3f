"""Deploying processes = check, then publish.

``check`` is a dry run: every problem of an upload (diagrams, decision tables and the task forms they use),
what would change against the latest versions and a simulation of every path; nothing is stored.
``publish`` runs the same check and stores a new version of each process that changed, with its forms,
who published it and why; a problem refuses the whole upload. The command line (``deploy_directory``) goes
through the same checks.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app import clock
from app.errors import DeployError, Forbidden, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import ProcessVersion, User
from app.services.accounts.permissions import may_manage_processes
from app.services.cases import categories, kinds
from app.services.control import audit_service, costs
from app.services.followups import lines as lines_of_business
from app.services.followups import subjects as followup_subjects
from app.services.processes import changes, notices, upload
from app.services.processes.report import CheckReport, Problem
from app.services.sla import calendar as sla_calendar
from app.services.transaction import transaction
from app.workflow.deploy import DeployErrors

log = logging.getLogger(__name__)


@dataclass
class DeployResult:
    process_id: str
    version: int
    created: bool
    message: str = ""  # Spanish: what happened ("sin cambios: sigue vigente la versión 3")


def check(files: dict[str, bytes], actor: User) -> CheckReport:
    """Dry run of an upload (.bpmn, .dmn and form .json files): nothing is stored."""
    _require_analyst(actor)
    _require_files(files)
    return upload.analyse(upload.prepare(files)).report


def publish(files: dict[str, bytes], actor: User, reason: str) -> list[DeployResult]:
    """Check the upload again and, if it has no problem, store a new version of every process that changed,
    recording who published it and why. Raises ``DeployErrors`` (422) listing every problem."""
    _require_analyst(actor)
    _require_files(files)
    if not (reason or "").strip():
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"reason": [_("Say why you publish this change.")]})
    return _publish(upload.prepare(files), [], actor, reason.strip())


def deploy_directory(directory: str) -> list[DeployResult]:
    """The diagrams and decision tables of ``directory`` and its kinds of case (``kinds/*.json``), with the
    forms they use from ``forms/``: all checked before anything is stored, stored in one transaction."""
    files = {p.name: p.read_bytes() for p in sorted(Path(directory).iterdir())
             if p.suffix in (".bpmn", ".dmn") and p.is_file()}
    kind_files = kinds.read_kind_files(directory)
    with transaction():
        followup_subjects.load(directory)  # before the kinds: it adds the teams their categories name
        lines_of_business.load(directory)
        notices.load_seed(directory)  # before the diagrams, whose notify tasks name them; edits are kept
        sla_calendar.load_seed(directory)  # the business calendars the SLA targets name
        costs.load_seed(directory)  # the rates the cost of tickets is priced with
        results = _publish(upload.prepare(files), kind_files, None, _("Deployed from the command line."))
    return results


def deploy_uploaded(files: dict[str, bytes], actor: User) -> list[DeployResult]:
    """The API's one-step upload: check and publish (the reason is the upload itself)."""
    _require_analyst(actor)
    _require_files(files)
    return _publish(upload.prepare(files), [], actor, _("Uploaded through the API."))


def deploy_files(files: dict[str, bytes], actor: User | None = None) -> list[DeployResult]:
    """Check and publish ``{file name: content}`` without a person (tests, scripts)."""
    return _publish(upload.prepare(files), [], actor, "")


def _publish(prepared: upload.Upload, kind_files: list[kinds.KindFile], actor: User | None,
             reason: str) -> list[DeployResult]:
    with transaction():
        _check_kind_processes(kind_files, prepared)
        for kind_file in kind_files:
            kinds.upsert_kind(kind_file)
            for warning in categories.merge_from_kind(kind_file):
                log.warning("deploy: %s", warning)
        analysed = upload.analyse(prepared)
        if analysed.report.problems:
            raise DeployErrors([_as_error(p) for p in analysed.report.problems])
        deployed_at = clock.now()  # one moment for the whole deploy: a ticket moved to it takes all its processes
        return [_store(candidate, actor, reason, deployed_at) for candidate in analysed.candidates]


def _store(candidate: upload.Candidate, actor: User | None, reason: str, deployed_at) -> DeployResult:
    latest = changes.latest(candidate.process.process_id)
    if latest is not None and latest.content_hash == candidate.content_hash:
        return DeployResult(candidate.process.process_id, latest.version, created=False,
                            message=_("No change: version %(n)s stays live.", n=latest.version))
    process = candidate.process
    version = ProcessVersion(
        process_id=process.process_id, name=process.name, version=(latest.version + 1 if latest else 1),
        content_hash=candidate.content_hash, source_file=process.source_file, sources=process.sources,
        spec_json=process.spec_json, start_message=process.start_message, forms=candidate.forms,
        deployed_by_id=actor.id if actor else None, reason=reason or None, deployed_at=deployed_at)
    db.session.add(version)
    audit_service.record("process_deployed", actor, f"{process.process_id} v{version.version}",
                         {"file": process.source_file, "sha256": candidate.content_hash,
                          "forms": sorted(candidate.forms), "reason": reason or None},
                         actor_name="cli")
    return DeployResult(process.process_id, version.version, created=True,
                        message=_("Version %(n)s published.", n=version.version))


def _as_error(problem: Problem) -> DeployError:
    return DeployError(problem.message, file=problem.file, element=problem.element, line=problem.line,
                       element_name=problem.element_name)


def _check_kind_processes(kind_files: list[kinds.KindFile], prepared: upload.Upload) -> None:
    known = upload.process_ids(prepared) | set(db.session.scalars(select(ProcessVersion.process_id)))
    errors = [DeployError(_("Process %(process)s is not deployed.", process=f.data["process"]), file=f.name)
              for f in kind_files if f.data["process"] not in known]
    if errors:
        raise DeployErrors(errors)


def versions(actor: User | None) -> list[ProcessVersion]:
    """Every deployed version; for a person only if he is a process analyst (None: the command line)."""
    if actor is not None:
        _require_analyst(actor)
    return list(db.session.scalars(
        select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version)))


def _require_files(files: dict[str, bytes]) -> None:
    if not files:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"files": [_(
            "Attach at least one .bpmn, .dmn or form .json file.")]})


def _require_analyst(actor: User) -> None:
    if not may_manage_processes(actor):
        raise Forbidden(_("Only process analysts may see or deploy processes."))
