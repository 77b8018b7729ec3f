"""Deploying processes: a changed process gets a new numbered version; a broken one changes nothing."""
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
from app.services.processes import forms
from app.services.sla import calendar as sla_calendar
from app.services.transaction import transaction
from app.workflow import deploy
from app.workflow.deploy import DeployErrors

log = logging.getLogger(__name__)


@dataclass
class DeployResult:
    process_id: str
    version: int
    created: bool


def deploy_directory(directory: str) -> list[DeployResult]:
    """The diagrams and decision tables of ``directory`` and its kinds of case (``kinds/*.json``), all
    checked before anything is stored, stored in one transaction."""
    files = {p.name: p.read_bytes() for p in sorted(Path(directory).iterdir())
             if p.suffix in (".bpmn", ".dmn") and p.is_file()}
    kind_files = kinds.read_kind_files(directory)
    with transaction():
        followup_subjects.load(directory)  # before the kinds: it adds the teams their categories name
        lines_of_business.load(directory)
        results = _deploy(files, kind_files)
        sla_calendar.load_seed(directory)  # the business calendars the SLA targets name
        costs.load_seed(directory)  # the rates the cost of tickets is priced with
    return results


def _check_kind_processes(kind_files: list[kinds.KindFile], deployed: set[str]) -> None:
    known = deployed | set(db.session.scalars(select(ProcessVersion.process_id)))
    errors = [DeployError(_("Process %(process)s is not deployed.", process=f.data["process"]), file=f.name)
              for f in kind_files if f.data["process"] not in known]
    if errors:
        raise DeployErrors(errors)


def _check_category_codes(files: dict[str, bytes]) -> None:
    """A decision table or a form naming a category code the taxonomy lacks is refused."""
    known = categories.leaf_codes()
    errors = [DeployError(_("The category %(category)s does not exist in the taxonomy.", category=ref.code),
                          file=ref.file, element=ref.element, line=ref.line)
              for ref in deploy.category_references(files) if ref.code not in known]
    errors += forms.deploy_problems(known)
    if errors:
        raise DeployErrors(errors)


def deploy_uploaded(files: dict[str, bytes], actor: User) -> list[DeployResult]:
    """A process analyst's upload: the same checks as the deploy command (DOCTYPE refused, XSD, code)."""
    _require_analyst(actor)
    if not files:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"files": [_("Attach at least one "
                                                                                          ".bpmn or .dmn file.")]})
    return deploy_files(files, actor)


def deploy_files(files: dict[str, bytes], actor: User | None = None) -> list[DeployResult]:
    """Validate all files first (raises ``DeployErrors``), then store the processes that changed; each new
    version is on the audit trail with who deployed it (nobody: the command line)."""
    return _deploy(files, [], actor)


def _deploy(files: dict[str, bytes], kind_files: list[kinds.KindFile], actor: User | None = None) -> list[DeployResult]:
    built = deploy.build(files)
    results = []
    deployed_at = clock.now()  # one moment for the whole deploy: a ticket moved to it takes all its processes
    with transaction():
        _check_kind_processes(kind_files, {process.process_id for process in built})
        for kind_file in kind_files:
            kinds.upsert_kind(kind_file)
            for warning in categories.merge_from_kind(kind_file):
                log.warning("deploy: %s", warning)
        _check_category_codes(files)
        for process in built:
            latest = db.session.scalar(
                select(ProcessVersion).where(ProcessVersion.process_id == process.process_id)
                .order_by(ProcessVersion.version.desc()).limit(1))
            if latest is not None and latest.content_hash == process.content_hash:
                results.append(DeployResult(process.process_id, latest.version, created=False))
                continue
            version = ProcessVersion(
                process_id=process.process_id, name=process.name, version=(latest.version + 1 if latest else 1),
                content_hash=process.content_hash, source_file=process.source_file, sources=process.sources,
                spec_json=process.spec_json, start_message=process.start_message, deployed_at=deployed_at)
            db.session.add(version)
            audit_service.record("process_deployed", actor, f"{process.process_id} v{version.version}",
                                 {"file": process.source_file, "sha256": process.content_hash},
                                 actor_name="cli")
            results.append(DeployResult(process.process_id, version.version, created=True))
    return results


def versions(actor: User | None) -> list[ProcessVersion]:
    """Every deployed version; for a person only if he is a process analyst (None: the command line)."""
    if actor is not None:
        _require_analyst(actor)
    return list(db.session.scalars(
        select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version)))


def _require_analyst(actor: User) -> None:
    if not may_manage_processes(actor):
        raise Forbidden(_("Only process analysts may see or deploy processes."))
