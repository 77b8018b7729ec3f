"""GET /api/v1/tickets: the ticket history's search on the API (accents and case aside), filters, visibility."""
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import Ticket
from app.services.cases import ticket_service
from tests.conftest import user


def _open(customer_number: str, description: str = "Internet muy lento desde ayer", **kw):
    return ticket_service.open_complaint(channel="phone", description=description, actor=user("agente"),
                                         customer_number=customer_number, priority="media", **kw)


def found(api, who: str = "agente", **query) -> list[str]:
    return [item["number"] for item in api.get("/tickets", who, query_string=query).json["items"]]


def test_search_ignores_accents_and_case(api):
    maria, juan = _open("C-1001"), _open("C-1002")
    for typed in ("lopez", "LOPEZ MARIA", "María López", "maria"):
        assert found(api, q=typed) == [maria.number], typed
    assert found(api, q="perez") == [juan.number]
    body = api.get("/tickets", "agente", query_string={"q": "lopez"}).json
    item = body["items"][0]
    assert body["total"] == 1 and body["pages"] == 1
    assert item["customer"] == {"number": "C-1001", "name": "María López"}
    assert item["status"]["label"] == "Recibida" and item["kind"] == "complaint" and item["priority"] == "media"


def test_filters_closed_tickets_and_sort(api):
    first, second = _open("C-1001"), _open("C-1003")
    db.session.execute(update(Ticket).where(Ticket.id == first.id).values(status="closed", closed_at=clock.now()))
    db.session.commit()
    assert found(api, state="closed") == [first.number]
    assert found(api, state="open", customer="C-1003") == [second.number]
    assert found(api, sort="oldest")[:2] == [first.number, second.number]
    assert found(api, sort="newest")[:2] == [second.number, first.number]


def test_bad_filters_are_a_spanish_422(api):
    response = api.get("/tickets", "agente", expect=422, query_string={"sla": "tarde", "date_from": "ayer"})
    assert set(response.json["errors"]) == {"sla", "date_from"}
    assert "Valor no permitido." in response.json["errors"]["sla"]


def test_a_technician_finds_only_what_he_may_see(api):
    waiting = _open("C-1001")  # only the contact center's validation task
    assert found(api, "tecnico1", q="lopez") == []
    assert found(api, "agente", q="lopez") == [waiting.number]
    assert found(api, "agente", q="   ") == [waiting.number]  # nothing typed: no text filter
