"""Claim lines: the amount rules, editing, sending for approval (checked versions), cancelling, and the diff
between versions. Decisions are taken in the approval process (``processes/reclamacion.bpmn``)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from app import clock
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Claim, ClaimLine, ClaimLineVersion, ClaimReason, Ticket, User, WorkflowInstance
from app.services.claims.billing_port import Document
from app.workflow import runtime
from handlers.tickets import change_status

# A line still counts against its document line while it is one of these (cancelled and rejected do not).
COUNTING = ("draft", "pending", "approved")
CENT = Decimal("0.01")


@dataclass
class LineInput:
    document_line_ref: str | None = None
    concept: str | None = None
    quantity: object = None
    amount: object = None
    reason_code: str | None = None
    notes: str = ""


def money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Write an amount such as 120.50."))
        return None
    if amount <= 0:
        errors.setdefault(field, []).append(_("The amount must be greater than zero."))
        return None
    return amount


def build_line(claim: Claim, position: int, data: LineInput, document: Document | None, default_reason: str,
               errors: dict, prefix: str) -> ClaimLine | None:
    """A new draft line from ``data`` (a document line fills what is missing), checked; None if refused."""
    doc_line = None
    if data.document_line_ref:
        doc_line = document.line(data.document_line_ref) if document else None
        if doc_line is None:
            errors.setdefault(f"{prefix}.document_line_ref", []).append(
                _("The document has no such line."))
            return None
    concept = (data.concept or (doc_line.concept if doc_line else "")).strip()
    if not concept:
        errors.setdefault(f"{prefix}.concept", []).append(_("Say what is claimed."))
    amount_value = data.amount if data.amount not in (None, "") else (doc_line.amount if doc_line else None)
    if amount_value is None:
        errors.setdefault(f"{prefix}.amount", []).append(_("Give the amount claimed."))
        return None
    amount = money(amount_value, f"{prefix}.amount", errors)
    quantity = money(data.quantity if data.quantity not in (None, "") else (doc_line.quantity if doc_line else 1),
                     f"{prefix}.quantity", errors)
    reason = _reason(data.reason_code or default_reason, f"{prefix}.reason_code", errors)
    if amount is None or quantity is None or reason is None or not concept:
        return None
    line = ClaimLine(claim_id=claim.ticket_id, position=position, document_line_ref=doc_line.ref if doc_line else None,
                     document_line_amount=doc_line.amount if doc_line else None, concept=concept[:200],
                     quantity=quantity, amount=amount, reason_code=reason.code, notes=(data.notes or "").strip())
    check_amount(line, claim, f"{prefix}.amount", errors)
    return line


def _reason(code: str | None, field: str, errors: dict) -> ClaimReason | None:
    reason = db.session.get(ClaimReason, code) if code else None
    if reason is None or not reason.active:
        errors.setdefault(field, []).append(_("Choose one of the claim reasons."))
        return None
    return reason


def check_amount(line: ClaimLine, claim: Claim, field: str, errors: dict) -> None:
    """Never above the document line's amount, nor above what open and approved claims leave of it."""
    if line.document_line_ref is None or line.document_line_amount is None:
        return
    others = db.session.scalar(
        select(func.coalesce(func.sum(ClaimLine.amount), 0)).join(Claim, Claim.ticket_id == ClaimLine.claim_id)
        .where(Claim.document_type == claim.document_type, Claim.document_number == claim.document_number,
               ClaimLine.document_line_ref == line.document_line_ref, ClaimLine.status.in_(COUNTING),
               ClaimLine.id != (line.id or 0)))
    left = line.document_line_amount - Decimal(others)
    if line.amount > line.document_line_amount:
        errors.setdefault(field, []).append(_(
            "The amount claimed (%(amount)s) is above the document line's amount (%(limit)s).",
            amount=line.amount, limit=line.document_line_amount))
    elif line.amount > left:
        errors.setdefault(field, []).append(_(
            "The amount claimed (%(amount)s) is above what other claims leave of this document line (%(left)s).",
            amount=line.amount, left=max(left, Decimal(0))))


def line_for_update(number: str, line_id: int) -> ClaimLine:
    line = db.session.scalar(
        select(ClaimLine).join(Ticket, Ticket.id == ClaimLine.claim_id)
        .where(Ticket.number == number, ClaimLine.id == line_id).with_for_update())
    if line is None:
        raise NotFound(_("The claim %(number)s has no line %(line)s.", number=number, line=line_id))
    return line


def edit(line: ClaimLine, changes: LineInput) -> None:
    """Change the working copy: a draft line directly; an approved one becomes a new draft version while the
    approved version stays effective. Pending, rejected and cancelled lines refuse."""
    if line.status == "pending":
        raise Conflict(_("Line %(n)s is waiting for approval: it cannot be changed until it is decided.",
                         n=line.position))
    _refuse_final(line)
    errors: dict = {}
    if changes.concept is not None:
        line.concept = changes.concept.strip()[:200] or line.concept
    if changes.quantity not in (None, ""):
        line.quantity = money(changes.quantity, "quantity", errors) or line.quantity
    if changes.amount not in (None, ""):
        line.amount = money(changes.amount, "amount", errors) or line.amount
    if changes.reason_code is not None:
        line.reason_code = (_reason(changes.reason_code, "reason_code", errors) or line.reason).code
    if changes.notes is not None:
        line.notes = changes.notes.strip()
    check_amount(line, line.claim, "amount", errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    if line.status == "approved":
        effective = line.effective_version
        line.edited = effective is None or _content(line) != effective.content()
    line.claim.ticket.updated_at = clock.now()


def _content(line: ClaimLine) -> dict:
    return {"concept": line.concept, "quantity": str(line.quantity), "amount": str(line.amount),
            "reason_code": line.reason_code, "notes": line.notes, "document_line_ref": line.document_line_ref}


def _refuse_final(line: ClaimLine) -> None:
    if line.status == "rejected":
        raise Conflict(_("Line %(n)s was rejected: a rejected line can never be sent again; add a new line.",
                         n=line.position))
    if line.status == "cancelled":
        raise Conflict(_("Line %(n)s is cancelled.", n=line.position))


def sendable(line: ClaimLine) -> bool:
    """A draft, or an approved line with changes not yet approved."""
    return line.status == "draft" or (line.status == "approved" and line.edited)


def submit(line: ClaimLine, actor: User | None, document: Document | None) -> ClaimLineVersion:
    """Create the line's checked version and start its approval."""
    if line.status == "pending":
        raise Conflict(_("Line %(n)s is already waiting for approval.", n=line.position))
    _refuse_final(line)
    if line.status == "approved" and not line.edited:
        raise Conflict(_("Line %(n)s is approved and has no changes to send.", n=line.position))
    errors: dict = {}
    check_amount(line, line.claim, f"lines.{line.id}.amount", errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    version = ClaimLineVersion(
        line=line, number=len(line.versions) + 1, concept=line.concept, quantity=line.quantity,
        amount=line.amount, reason_code=line.reason_code, notes=line.notes,
        document_line_ref=line.document_line_ref, submitted_by_id=actor.id if actor else None,
        submitted_at=clock.now(), decision="pending", approvals=[])
    db.session.add(version)
    line.status, line.edited = "pending", False
    db.session.flush()
    ticket = line.claim.ticket
    if ticket.status != "in_approval":
        change_status(ticket, "in_approval", _("Your claim is being reviewed line by line."))
    [instance] = runtime.start_on_message(ticket, "linea_enviada", _payload(line, version, document), actor)
    version.instance_id = instance.id
    return version


def _payload(line: ClaimLine, version: ClaimLineVersion, document: Document | None) -> dict:
    """What the approval process starts with as ``linea`` (and the approver reads in the task)."""
    claim = line.claim
    doc_line = document.line(line.document_line_ref) if document and line.document_line_ref else None
    creator = claim.ticket.created_by_id and db.session.get(User, claim.ticket.created_by_id)
    return {
        "version_id": version.id, "line_id": line.id, "position": line.position, "version": version.number,
        "concept": version.concept, "quantity": str(version.quantity), "amount": str(version.amount),
        "reason_code": version.reason_code, "reason_label": line.reason.label, "notes": version.notes,
        "document_type": claim.document_type, "document_label": document.type_label if document else None,
        "document_number": claim.document_number,
        "document_line": {"ref": doc_line.ref, "concept": doc_line.concept, "quantity": str(doc_line.quantity),
                          "amount": str(doc_line.amount), "period": doc_line.period} if doc_line else None,
        "submitted_at": version.submitted_at.isoformat(),
        "created_by": creator.username if creator else None,
    }


def cancel(line: ClaimLine, actor: User | None) -> None:
    """Cancel a line not yet decided; a pending one also stops its approval. A pending change of an approved
    line is withdrawn: the line stays approved as it was."""
    if line.status in ("approved", "rejected"):
        raise Conflict(_("Line %(n)s was already decided: it can no longer be cancelled.", n=line.position))
    if line.status == "cancelled":
        raise Conflict(_("Line %(n)s is cancelled.", n=line.position))
    if line.status == "pending":
        version = line.latest_version
        version.decision, version.decided_at = "cancelled", clock.now()
        version.decided_by_id = actor.id if actor else None
        instance = db.session.get(WorkflowInstance, version.instance_id) if version.instance_id else None
        if instance is not None and instance.status != "completed":
            runtime.deliver_message(instance.id, "linea_cancelada", {}, actor)
        if line.effective_version is not None:
            line.restore_effective()
            return
    line.status = "cancelled"


def diff(older: ClaimLineVersion | None, newer: ClaimLineVersion) -> list[tuple[str, str | None, str]]:
    """(field, before, after) for each field that changed between two versions."""
    before = older.content() if older else {}
    return [(field, before.get(field), value) for field, value in newer.content().items()
            if before.get(field) != value]
