"""The escalation levels of an incident (N1 → N2 → supervisor) as the pages and the API show them. A level
changes only in the diagram: by the level's deadline timer or by hand ("no puedo resolverlo")."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import _l
from app.models import IncidentEscalation, Ticket
from handlers.incidents import LEVEL_LABELS

TRIGGER_LABELS = {"timer": _l("deadline expired"), "manual": _l("by hand")}


def level_label(code: str | None) -> str:
    return str(LEVEL_LABELS.get(code or "n1", code))


def history(ticket: Ticket) -> list[IncidentEscalation]:
    return list(db.session.scalars(select(IncidentEscalation).where(IncidentEscalation.ticket_id == ticket.id)
                                   .options(joinedload(IncidentEscalation.actor)).order_by(IncidentEscalation.id)))
