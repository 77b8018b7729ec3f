"""What the staff pages show of an incident: device and faults, impact and urgency, the level and its
escalations, the reported and the real category, and the similar resolved incidents."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.models import IncidentDetail, IncidentEscalation, Ticket
from app.services.cases import categories
from app.services.incidents import escalation, similar
from app.services.incidents.device import fault_choices


@dataclass
class IncidentPanel:
    detail: IncidentDetail
    faults: list[str]
    level: str
    escalations: list[IncidentEscalation]
    reported_category: str | None
    final_category: str | None
    similar: list[similar.SimilarIncident] = field(default_factory=list)


def of(ticket: Ticket) -> IncidentPanel | None:
    detail = ticket.incident
    if detail is None:
        return None
    labels = fault_choices()
    return IncidentPanel(
        detail=detail, faults=[labels.get(code, code) for code in detail.faults or []],
        level=escalation.level_label(detail.level), escalations=escalation.history(ticket),
        reported_category=categories.leaf_label(detail.reported_category),
        final_category=categories.leaf_label(detail.final_category),
        similar=[] if ticket.closed_at or detail.resolution else similar.similar_resolved(ticket))


def prefill(ticket: Ticket, schema: dict) -> dict[str, str]:
    """A form's fields filled from the incident's work: a procedure applied from a similar incident."""
    detail = ticket.incident
    if detail is not None and detail.procedure and "procedure" in schema.get("properties", {}):
        return {"procedure": detail.procedure}
    return {}

