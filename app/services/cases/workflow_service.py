"""Supervising workflow instances: see failures, retry them once the cause is fixed."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import Forbidden
from app.extensions import db
from app.i18n import _
from app.models import Ticket, User, WorkflowInstance
from app.services.control import audit_service
from app.services.transaction import transaction
from app.workflow import runtime


def failed_instances(actor: User) -> list[WorkflowInstance]:
    _require_supervisor(actor)
    return list(db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.status == "error")))


def instances_of(ticket: Ticket) -> list[WorkflowInstance]:
    return list(db.session.scalars(
        select(WorkflowInstance).where(WorkflowInstance.ticket_id == ticket.id).order_by(WorkflowInstance.id)))


def retry(instance_id: int, actor: User) -> WorkflowInstance:
    _require_supervisor(actor)
    with transaction():
        failed = db.session.get(WorkflowInstance, instance_id)
        step = failed.error_task if failed is not None else None
        instance = runtime.retry(instance_id, actor)
        audit_service.record("workflow_retried", actor, f"{instance.ticket.number} · {instance.id}",
                             {"step": step, "status": ["error", instance.status]})
    return instance


def _require_supervisor(actor: User) -> None:
    if not actor.has_role("supervisor"):
        raise Forbidden(_("Only a supervisor may see or retry failed processes."))
