"""Similar resolved incidents: full-text search of description and resolution within the category, ranked by
the database (SQLite FTS5 ``bm25``; PostgreSQL ``ts_rank`` with the Spanish configuration), and "aplicar
este procedimiento", which copies a known procedure into the incident being worked on."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, text

from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import _
from app.models import IncidentDetail, Ticket, User
from app.services.cases import ticket_view_service
from app.services.transaction import transaction
from handlers.timeline import add_event

MAX_TERMS = 40
_WORD = re.compile(r"\w{3,}", re.UNICODE)

_SQLITE = text("""
    SELECT t.id AS id, bm25(incident_fts) AS score
    FROM incident_fts JOIN ticket t ON t.id = incident_fts.rowid
    WHERE incident_fts MATCH :terms AND t.category = :category AND t.id <> :exclude
    ORDER BY score, t.id LIMIT :limit""")

_POSTGRES = text("""
    SELECT t.id AS id, ts_rank(to_tsvector('spanish', t.description || ' ' || d.resolution || ' ' || d.procedure),
                               to_tsquery('spanish', :terms)) AS score
    FROM ticket t JOIN incident_detail d ON d.ticket_id = t.id
    WHERE d.resolution <> '' AND t.category = :category AND t.id <> :exclude
      AND to_tsvector('spanish', t.description || ' ' || d.resolution || ' ' || d.procedure)
          @@ to_tsquery('spanish', :terms)
    ORDER BY score DESC, t.id LIMIT :limit""")


@dataclass
class SimilarIncident:
    number: str
    description: str
    resolution: str
    procedure: str
    hours_to_resolve: float | None
    category: str | None


def similar_resolved(ticket: Ticket, limit: int = 5) -> list[SimilarIncident]:
    """Resolved incidents of ``ticket``'s category most like its description (and faults, diagnosis)."""
    detail = ticket.incident
    words = " ".join(filter(None, (ticket.description, detail.fault_notes if detail else "",
                                   detail.diagnosis if detail else "")))
    terms = _terms(words)
    if not terms or not ticket.category:
        return []
    postgres = db.engine.dialect.name == "postgresql"
    query = _POSTGRES if postgres else _SQLITE
    joined = " | ".join(terms) if postgres else " OR ".join(f'"{t}"' for t in terms)
    rows = db.session.execute(query, {"terms": joined, "category": ticket.category, "exclude": ticket.id,
                                      "limit": limit}).all()
    found = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_([r.id for r in rows])))}
    return [_view(found[r.id]) for r in rows if r.id in found]


def _terms(words: str) -> list[str]:
    """The distinct words of the text, for an OR query: the ranking (not this list) weighs them."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(words.lower()):
        if not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def _view(ticket: Ticket) -> SimilarIncident:
    detail = ticket.incident
    hours = None
    if ticket.resolved_at:
        hours = round((ticket.resolved_at - ticket.reported_at).total_seconds() / 3600, 1)
    return SimilarIncident(number=ticket.number, description=ticket.description, resolution=detail.resolution,
                           procedure=detail.procedure, hours_to_resolve=hours, category=ticket.category)


def apply_procedure(number: str, source_number: str, actor: User) -> IncidentDetail:
    """Copy the procedure of the resolved incident ``source_number`` into incident ``number``'s work."""
    with transaction():
        ticket = ticket_view_service.visible_ticket(number, actor)
        source = db.session.scalar(select(Ticket).where(Ticket.number == (source_number or "").strip()))
        if ticket.incident is None:
            raise NotFound(_("Ticket %(number)s is not an incident.", number=number))
        if source is None or source.incident is None or not source.incident.resolution:
            raise NotFound(_("Incident %(number)s has no known procedure.", number=source_number))
        if ticket.closed_at is not None:
            raise Conflict(_("Incident %(number)s is already closed.", number=ticket.number))
        detail = ticket.incident
        detail.procedure, detail.applied_from_id = source.incident.procedure or source.incident.resolution, source.id
        add_event(ticket, "procedure_applied", _("Procedure of %(number)s applied: %(procedure)s",
                                                 number=source.number, procedure=detail.procedure),
                  actor=actor, data={"source": source.number})
    return detail
