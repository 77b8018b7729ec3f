"""Links between tickets of any kind (duplicado de, relacionado con, causado por), read from both tickets, and
merging a duplicate into its original through the API."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.services.cases import timer_service
from app.services.mail import outbox_service


def links(api, number: str) -> list[tuple]:
    return [(link["type"], link["label"], link["ticket"], link["direction"])
            for link in api.ticket(number)["links"]]


def test_a_link_shows_on_both_tickets_with_its_reading(api, open_complaint):
    cause, effect = open_complaint(), open_complaint(description="Sin internet en toda la colonia")
    api.post(f"/tickets/{effect.number}/links", "agente", expect=201,
             json={"target": cause.number, "type": "caused_by", "note": "Misma falla de fibra"})
    assert links(api, effect.number) == [("caused_by", "causado por", cause.number, "outgoing")]
    assert links(api, cause.number) == [("caused_by", "causa de", effect.number, "incoming")]
    assert any(e["kind"] == "linked" for e in api.ticket(cause.number)["timeline"])
    api.post(f"/tickets/{effect.number}/links", "agente", expect=409,
             json={"target": cause.number, "type": "caused_by"})
    refused = api.post(f"/tickets/{effect.number}/links", "agente", expect=422,
                       json={"target": effect.number, "type": "related_to"})
    assert refused.json["errors"] == {"target": ["Un ticket no se puede vincular consigo mismo."]}
    bad_type = api.post(f"/tickets/{effect.number}/links", "agente", expect=422,
                        json={"target": cause.number, "type": "merged_into"})
    assert "type" in bad_type.json["errors"]
    api.post(f"/tickets/{effect.number}/links", "agente", expect=404,
             json={"target": "Q-2026-999999", "type": "related_to"})
    link_id = api.ticket(cause.number)["links"][0]["id"]
    api.call("DELETE", f"/tickets/{cause.number}/links/{link_id}", "agente", expect=204)
    assert links(api, effect.number) == [] and links(api, cause.number) == []


def test_merge_moves_everything_stops_the_duplicate_and_tells_the_customer(api, open_complaint, smtp):
    original = open_complaint()
    duplicate = open_complaint(description="Llamo otra vez: el internet sigue lento")
    duplicate.validate()  # its technician has a diagnosis task with a deadline timer
    moved_lines = len(api.ticket(duplicate.number)["timeline"])
    merged = api.post(f"/tickets/{duplicate.number}/merge", "agente", json={"into": original.number}).json
    assert merged["number"] == original.number
    dup = api.ticket(duplicate.number)
    assert dup["status"]["code"] == "closed" and dup["closed_at"] and dup["open_tasks"] == []
    assert ("merged_into", "unido a", original.number, "outgoing") in links(api, duplicate.number)
    [pointer] = dup["timeline"]
    assert pointer["public"] and original.number in pointer["message"]
    orig_timeline = api.ticket(original.number)["timeline"]
    assert sum(1 for e in orig_timeline if (e["data"] or {}).get("merged_from") == duplicate.number) == moved_lines
    assert ("merged_into", "recibió el ticket unido", duplicate.number, "incoming") in links(api, original.number)
    # The duplicate's process is over: its deadline no longer fires, no task of it is left.
    clock.advance(timedelta(days=10))
    assert all(t["ticket"] != duplicate.number for t in api.tasks("supervisor"))
    timer_service.fire_due_timers()
    assert api.ticket(duplicate.number)["status"]["code"] == "closed"
    outbox_service.deliver_due()
    told = [m for m in smtp.inbox.messages if original.number in m["Subject"] and duplicate.number in m["Subject"]]
    assert told and f"dé seguimiento con el número {original.number}" in told[0].get_content().replace("\n", " ")
    again = api.post(f"/tickets/{duplicate.number}/merge", "agente", expect=409, json={"into": original.number})
    assert again.json["message"] == "Un ticket cerrado no se puede unir."


def test_only_tickets_of_one_customer_merge(api, open_complaint):
    mine, theirs = open_complaint(), open_complaint(customer_number="C-1002")
    refused = api.post(f"/tickets/{theirs.number}/merge", "agente", expect=409, json={"into": mine.number})
    assert refused.json["message"] == "Solo se pueden unir tickets del mismo cliente."
    assert api.ticket(theirs.number)["status"]["code"] == "received"
