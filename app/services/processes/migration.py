"""Migration of running tickets to another version of their process (process analysts).

A dry run lists, for each running (or stranded) instance of the process, whether it may move and why not; the
move itself takes each instance in its own transaction, so one that cannot move (or that another request
advanced meanwhile) leaves the others moving. Every move is on the ticket's timeline and the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import ProcessVersion, Ticket, User, WorkflowInstance
from app.services.accounts.permissions import may_manage_processes
from app.services.control import audit_service
from app.services.transaction import transaction
from app.workflow import migration

MAX_TICKETS = 1_000  # per dry run or move: a larger set is moved in several goes


@dataclass
class Candidate:
    ticket_number: str
    instance_id: int
    version: int
    status: str
    waiting_at: list[str]
    problems: list[str]

    @property
    def movable(self) -> bool:
        return not self.problems


@dataclass
class MigrationReport:
    process_id: str
    target_version: int
    candidates: list[Candidate] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # ticket numbers (only when moving)
    truncated: bool = False

    @property
    def movable(self) -> int:
        return sum(c.movable for c in self.candidates)


def dry_run(process_id: str, version: int, ticket_numbers: list[str] | None, actor: User) -> MigrationReport:
    """Which running instances of ``process_id`` (all, or those of ``ticket_numbers``) may move to ``version``."""
    _require_analyst(actor)
    target = _target(process_id, version)
    instances, truncated = _instances(process_id, target, ticket_numbers)
    report = MigrationReport(process_id=process_id, target_version=target.version, truncated=truncated)
    for instance in instances:
        result = migration.check(instance, target)
        report.candidates.append(_candidate(instance, result))
    return report


def migrate(process_id: str, version: int, ticket_numbers: list[str] | None, actor: User,
            reason: str = "") -> MigrationReport:
    """Move every movable instance (all, or those of ``ticket_numbers``) to ``version``; the report says what
    moved and why the others did not."""
    _require_analyst(actor)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"reason": [_("At most %(n)s characters.", n=500)]})
    target = _target(process_id, version)
    instances, truncated = _instances(process_id, target, ticket_numbers)
    report = MigrationReport(process_id=process_id, target_version=target.version, truncated=truncated)
    for instance_id, number in [(i.id, i.ticket.number) for i in instances]:
        report.candidates.append(_move_one(instance_id, number, target.id, actor, reason, report))
    return report


def _move_one(instance_id: int, number: str, target_id: int, actor: User, reason: str,
              report: MigrationReport) -> Candidate:
    try:
        with transaction():
            target = db.session.get(ProcessVersion, target_id)
            instance = db.session.get(WorkflowInstance, instance_id)
            source_version = instance.process_version.version
            result = migration.migrate(instance_id, target, actor)
            if result.movable:
                audit_service.record("process_migrated", actor, number, {
                    "process": target.process_id, "version": [source_version, target.version],
                    **({"reason": reason} if reason else {})})
                report.moved.append(number)
            candidate = _candidate(instance, result, version=source_version)
    except Conflict as err:  # advanced by someone else meanwhile: it stays, the rest moves
        instance = db.session.get(WorkflowInstance, instance_id)
        candidate = Candidate(number, instance_id, instance.process_version.version, instance.status, [],
                              [err.message])
    return candidate


def _candidate(instance: WorkflowInstance, result: migration.MigrationCheck, version: int | None = None) -> Candidate:
    return Candidate(ticket_number=instance.ticket.number, instance_id=instance.id,
                     version=version or instance.process_version.version, status=instance.status,
                     waiting_at=result.waiting_at, problems=result.problems)


def _target(process_id: str, version: int) -> ProcessVersion:
    target = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                            ProcessVersion.version == version))
    if target is None:
        raise NotFound(_("Version %(version)s of %(process)s does not exist.", version=version, process=process_id))
    return target


def _instances(process_id: str, target: ProcessVersion,
               ticket_numbers: list[str] | None) -> tuple[list[WorkflowInstance], bool]:
    statement = (select(WorkflowInstance).join(ProcessVersion)
                 .where(ProcessVersion.process_id == process_id, WorkflowInstance.status.in_(("running", "error")),
                        WorkflowInstance.process_version_id != target.id)
                 .options(joinedload(WorkflowInstance.ticket), joinedload(WorkflowInstance.process_version))
                 .order_by(WorkflowInstance.id))
    if ticket_numbers is not None:
        numbers = sorted({n.strip() for n in ticket_numbers if n and n.strip()})
        if not numbers:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   errors={"tickets": [_("Give at least one ticket number.")]})
        statement = statement.join(Ticket, Ticket.id == WorkflowInstance.ticket_id).where(Ticket.number.in_(numbers))
    instances = list(db.session.scalars(statement.limit(MAX_TICKETS + 1)).unique())
    return instances[:MAX_TICKETS], len(instances) > MAX_TICKETS


def choose_version_message() -> str:
    return _("Choose the version to move the tickets to.")


def _require_analyst(actor: User) -> None:
    if not may_manage_processes(actor):
        raise Forbidden(_("Only process analysts may see or deploy processes."))
