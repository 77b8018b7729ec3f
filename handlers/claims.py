"""Service tasks of the claim-line approval (``processes/reclamacion.bpmn``): record each level's decision on
the checked version, tell the customer, and apply the effect of an approval through the billing port or a
service order. They only write rows; the outbox carries anything that leaves the building."""
from __future__ import annotations

from datetime import datetime

from app import clock
from app.businesstime import arithmetic
from app.businesstime import calendar as calendars
from app.extensions import db
from app.i18n import _, _l
from app.models import BillingDocument, BillingRequest, ClaimLineVersion
from handlers import notifications, outbox, timeline
from handlers.registry import HandlerContext, service_task
from handlers.tickets import change_status


@service_task("claim.record_decision", params={
    "version_id": _l("The checked version of the claim line."),
    "level": _l("Approval level (1 or 2)."),
    "decision": _l("approved or rejected."),
    "reason": _l("Why; the customer reads it when the decision is final."),
    "final": _l("Whether this decision closes the line."),
}, results=("level", "decision", "line_status"))
def record_decision(ctx: HandlerContext, version_id: int, level: int, decision: str, reason: str,
                    final: bool) -> dict:
    version = db.session.get(ClaimLineVersion, version_id)
    if version is None or version.decision != "pending":
        raise ValueError(f"claim line version {version_id} is not waiting for a decision")
    now = clock.now()
    who = ctx.actor.username if ctx.actor else None
    version.approvals = [*(version.approvals or []), {"level": level, "by": who, "at": now.isoformat(),
                                                      "decision": decision, "reason": reason}]
    if not final:
        return {"level": level, "decision": decision}
    version.decision, version.decision_reason, version.decided_at = decision, reason, now
    version.decided_by_id = ctx.actor.id if ctx.actor else None
    line = version.line
    if decision == "approved":
        line.status, line.effective_version_id = "approved", version.id
    elif line.effective_version is not None:  # a rejected change of an approved line: the approved one stays
        line.restore_effective()
    else:
        line.status = "rejected"
    _tell_customer(ctx, version, decision, reason)
    if line.claim.settled() and ctx.ticket.status != "decided":
        change_status(ctx.ticket, "decided", _("Every line of your claim has been decided."))
    return {"level": level, "decision": decision, "line_status": line.status}


def _tell_customer(ctx: HandlerContext, version: ClaimLineVersion, decision: str, reason: str) -> None:
    ticket = ctx.ticket
    verdict = _("approved") if decision == "approved" else _("rejected")
    message = _("Line %(n)s of your claim (%(concept)s, %(amount)s) was %(verdict)s: %(reason)s",
                n=version.line.position, concept=version.concept, amount=version.amount, verdict=verdict,
                reason=reason)
    timeline.add_event(ticket, "claim_line_decided", message, public=True,
                       data={"line": version.line.position, "version": version.number, "decision": decision})
    notifications.email_customer(ticket, ["claim_line_decided.txt"], version=version, verdict=verdict,
                                 reason=reason)


@service_task("claim.apply_effect", params={
    "version_id": _l("The checked version of the claim line."),
    "effect": _l("nota_credito, ajuste or orden_servicio."),
}, results=("kind", "reference", "number"))
def apply_effect(ctx: HandlerContext, version_id: int, effect: str) -> dict:
    """nota_credito / ajuste: a request to the billing port; orden_servicio: a service order for the claim."""
    version = db.session.get(ClaimLineVersion, version_id)
    claim = version.line.claim
    if effect == "orden_servicio":
        version.effect = {"kind": "service_order", "number": _service_order(ctx, version).number}
        return version.effect
    kind = "credit_note" if effect == "nota_credito" else "adjustment"
    request = {"kind": kind, "customer": ctx.ticket.customer.number, "claim": ctx.ticket.number,
               "line": version.line.position, "version": version.number, "document_type": claim.document_type,
               "document_number": claim.document_number, "amount": str(version.amount),
               "reason": version.decision_reason}
    if ctx.config.get("BILLING_ADAPTER", "builtin") == "http":
        message = outbox.queue("billing", ticket=ctx.ticket, recipient=ctx.config["BILLING_URL"].rstrip("/")
                               + "/credit-requests", payload=request)
        version.effect = {"kind": kind, "reference": f"OUT-{message.id}"}
    else:
        row = BillingRequest(kind=kind, customer_id=ctx.ticket.customer_id, ticket_id=ctx.ticket.id,
                             claim_line_version_id=version.id, document_number=claim.document_number or "",
                             amount=version.amount, reason=version.decision_reason)
        db.session.add(row)
        db.session.flush()
        version.effect = {"kind": kind, "reference": f"NC-{row.id}" if kind == "credit_note" else f"AJ-{row.id}"}
    return version.effect


def _service_order(ctx: HandlerContext, version: ClaimLineVersion) -> BillingDocument:
    return BillingDocument.new_service_order(
        ctx.ticket.customer_id, version.concept, {"claim": ctx.ticket.number, "line": version.line.position},
        notes=_("Service order for claim %(number)s, line %(n)s.", number=ctx.ticket.number,
                n=version.line.position))


@service_task("claim.approval_due", params={
    "submitted_at": _l("When the line was sent (ISO date-time)."),
    "hours": _l("Business hours to approve."),
    "calendar": _l("Code of the business calendar."),
}, results=("due_at",))
def approval_due(ctx: HandlerContext, submitted_at: str, hours: float, calendar: str) -> dict:
    """When the approval is due: ``hours`` of open time of the SLA engine's ``calendar`` after sending."""
    due = arithmetic.add_business_time(datetime.fromisoformat(submitted_at), hours, calendars.load(calendar))
    return {"due_at": due.isoformat()}
