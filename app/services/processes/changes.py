"""What an upload changes against the latest deployed versions: elements of the diagram, rules of the
decision tables, forms. Read-only."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from app.extensions import db
from app.i18n import _
from app.models import ProcessVersion
from app.services.processes.report import ElementChange, ProcessChange, RuleChange
from app.workflow import checks
from app.workflow.deploy import DeployableProcess


def latest(process_id: str) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc()).limit(1))


def latest_versions() -> list[ProcessVersion]:
    newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("version"))
              .group_by(ProcessVersion.process_id).subquery())
    return list(db.session.scalars(
        select(ProcessVersion).join(newest, (ProcessVersion.process_id == newest.c.process_id)
                                    & (ProcessVersion.version == newest.c.version))
        .options(undefer(ProcessVersion.sources), undefer(ProcessVersion.forms))
        .order_by(ProcessVersion.process_id)))


def deployed_forms() -> dict[str, dict]:
    """The forms of the latest version of every process (the deployed set)."""
    found: dict[str, dict] = {}
    for version in latest_versions():
        found.update(version.forms or {})
    return found


def of(process: DeployableProcess, forms: dict[str, dict], content_hash: str) -> ProcessChange:
    current = latest(process.process_id)
    change = ProcessChange(process.process_id, process.name, current.version if current else None,
                           creates_version=current is None or current.content_hash != content_hash)
    if current is None or not change.creates_version:
        return change
    old_sources = current.sources or {}
    change.elements = [ElementChange(**d) for d in checks.element_diff(
        old_sources.get(current.source_file, ""), process.sources[process.source_file], process.process_id)]
    for name, text in sorted(process.sources.items()):
        if name.endswith(".dmn"):
            change.rules += [RuleChange(file=name, **d) for d in checks.rule_diff(old_sources.get(name, ""), text)]
    old_forms = current.forms or {}
    change.forms = [name for name, schema in sorted(forms.items()) if old_forms.get(name) != schema]
    if not (change.elements or change.rules or change.forms):
        change.elements = [ElementChange(process.process_id, process.name, "process", "changed",
                                         (_("technical details of the process definition"),))]
    return change
