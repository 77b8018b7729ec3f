"""The CRM port. ``builtin`` records the interaction on the customer; ``http`` posts JSON to ``CRM_URL``
through the outbox (the worker retries with backoff)."""
from __future__ import annotations

from typing import Protocol

from sqlalchemy import insert

from app import clock
from app.extensions import db
from app.i18n import _l
from app.models import CustomerInteraction, Ticket
from handlers import outbox
from handlers.registry import HandlerContext, service_task

SUMMARIES = {
    "registered": _l("Complaint registered"),
    "resolved": _l("Complaint resolved"),
    "closed": _l("Complaint closed"),
}


class CrmPort(Protocol):
    def record(self, ticket: Ticket, kind: str, summary: str) -> str: ...


class BuiltinCrm:
    def record(self, ticket: Ticket, kind: str, summary: str) -> str:
        # One INSERT for the id the step returns; flushing an ORM row for it would write the step's other
        # pending changes first. Nothing reads the row back in this transaction.
        with db.session.no_autoflush:
            interaction_id = db.session.scalar(insert(CustomerInteraction).returning(CustomerInteraction.id), {
                "customer_id": ticket.customer_id, "ticket_id": ticket.id, "kind": kind, "summary": summary})
        return f"INT-{interaction_id}"


class HttpCrm:
    def __init__(self, url: str):
        if not url:
            raise ValueError("CRM_ADAPTER=http needs CRM_URL")
        self.url = url

    def record(self, ticket: Ticket, kind: str, summary: str) -> str:
        message = outbox.queue("crm", ticket=ticket, recipient=self.url, payload={
            "event": kind, "summary": summary, "ticket": ticket.number, "customer": ticket.customer.number,
            "status": ticket.status, "priority": ticket.priority, "at": clock.now().isoformat()})
        return f"OUT-{message.id}"  # asking for the id writes the row


def adapter(config: dict) -> CrmPort:
    if config.get("CRM_ADAPTER", "builtin") == "http":
        return HttpCrm(config.get("CRM_URL", ""))
    return BuiltinCrm()


@service_task("crm.record_interaction", params={
    "kind": _l("registered, resolved or closed."),
}, results=("crm_reference",))
def record_interaction(ctx: HandlerContext, kind: str) -> dict:
    summary = f"{SUMMARIES.get(kind, kind)} {ctx.ticket.number}"
    return {"crm_reference": adapter(ctx.config).record(ctx.ticket, kind, summary)}
