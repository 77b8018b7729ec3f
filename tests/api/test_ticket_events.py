"""GET /tickets/<number>/events: the timeline paged apart from the ticket, by keyset."""
from __future__ import annotations

from app.extensions import db
from app.models import Ticket, TicketEvent


def test_the_timeline_pages_by_keyset_and_the_ticket_does_not_embed_it(api, diagnosing):
    ticket = db.session.query(Ticket).filter_by(number=diagnosing.number).one()
    db.session.add_all(TicketEvent(ticket_id=ticket.id, kind="comment", message=f"nota {i}") for i in range(30))
    db.session.commit()
    assert "timeline" not in api.get(f"/tickets/{diagnosing.number}", "supervisor").json
    whole = api.get(f"/tickets/{diagnosing.number}/events", "supervisor", query_string={"limit": 200}).json
    assert whole["next_before"] is None
    ids = [e["id"] for e in whole["events"]]
    assert ids == sorted(ids, reverse=True) and whole["events"][0]["message"] == "nota 29"
    first = api.get(f"/tickets/{diagnosing.number}/events", "supervisor", query_string={"limit": 10}).json
    assert [e["id"] for e in first["events"]] == ids[:10] and first["next_before"] == ids[9]
    assert [e["id"] for e in api.timeline(diagnosing.number, limit=4)] == ids[::-1]


def test_bad_page_arguments_are_refused_and_other_tickets_are_not_found(api, diagnosing):
    url = f"/tickets/{diagnosing.number}/events"
    for query in ({"limit": 0}, {"limit": 201}, {"before": "x"}, {"before": 2**40}, {"page": 2}):
        assert api.get(url, "supervisor", query_string=query, expect=422).json["errors"]
    api.get("/tickets/Q-1999-000001/events", "supervisor", expect=404)
