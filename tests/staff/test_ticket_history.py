"""The ticket history through HTTP: every kind, visibility, accent- and case-blind search by the database,
filters, sort, pages, saved searches and CSV export."""
import csv
import io
from datetime import timedelta

from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import Category, Customer, SavedTicketFilter, Ticket
from app.services.cases import ticket_service
from tests.conftest import user
from tests.staff.conftest import open_complaint, validate


def numbers(page: str, *tickets) -> list[bool]:
    return [t.number in page for t in tickets]


def history(client, **args) -> str:
    response = client.get("/staff/tickets", query_string=args)
    assert response.status_code == 200
    return response.get_data(True)


def test_search_ignores_accents_and_case_and_word_order(staff):
    maria = open_complaint(customer_number="C-1001")  # María López
    juan = open_complaint(customer_number="C-1002")  # Juan Pérez
    agent = staff("agente")
    for typed in ("lopez", "LÓPEZ", "Lopez Maria", "maria lop", "maría", maria.number, "C-1001", "449 100 0001",
                  maria.number[-6:], "1001", "maria.lopez@example", "example.com lopez"):
        assert numbers(history(agent, q=typed), maria, juan) == [True, False], typed
    assert numbers(history(agent, q="perez"), maria, juan) == [False, True]
    assert numbers(history(agent, q="lento ayer"), maria, juan) == [True, True]  # words of the description
    assert numbers(history(agent, q="lopez juan"), maria, juan) == [False, False]


def test_search_follows_a_renamed_customer(staff):
    ticket = open_complaint(customer_number="C-1003")
    db.session.execute(update(Customer).where(Customer.number == "C-1003").values(name="Lucía Ñúñez"))
    db.session.commit()
    try:
        assert ticket.number in history(staff("agente"), q="nunez lucia")
    finally:
        db.session.execute(update(Customer).where(Customer.number == "C-1003").values(name="Lucía Hernández"))
        db.session.commit()


def test_every_kind_and_closed_tickets_are_listed_and_filtered(staff):
    complaint = open_complaint()
    incident = ticket_service.open_case(kind="incident", channel="phone", description="Módem sin luz",
                                        actor=user("agente"), customer_number="C-1002", priority="alta")
    closed = open_complaint(customer_number="C-1003", channel="social")
    db.session.execute(update(Ticket).where(Ticket.id == closed.id).values(status="closed", closed_at=clock.now()))
    db.session.commit()
    agent = staff("agente")
    assert numbers(history(agent), complaint, incident, closed) == [True, True, True]
    assert numbers(history(agent, kind="incident"), complaint, incident, closed) == [False, True, False]
    assert numbers(history(agent, state="closed"), complaint, incident, closed) == [False, False, True]
    assert numbers(history(agent, state="open"), complaint, incident, closed) == [True, True, False]
    assert numbers(history(agent, status="closed"), complaint, incident, closed) == [False, False, True]
    assert numbers(history(agent, channel="social"), complaint, incident, closed) == [False, False, True]
    assert numbers(history(agent, customer="C-1002"), complaint, incident, closed) == [False, True, False]
    assert numbers(history(agent, priority="alta"), complaint, incident, closed) == [False, True, False]
    tomorrow = (clock.now() + timedelta(days=2)).date().isoformat()
    assert numbers(history(agent, date_from=tomorrow), complaint, incident, closed) == [False, False, False]


def test_category_team_assignee_and_sla_filters(staff):
    validated = open_complaint()
    validate(validated)  # category lentitud, team soporte_n1, a technician, an SLA deadline
    other = open_complaint(customer_number="C-1002")
    db.session.refresh(validated)
    supervisor = staff("supervisor")
    assert numbers(history(supervisor, category="lentitud"), validated, other) == [True, False]
    top = Category.leaf("lentitud")
    while top.parent_id:
        top = db.session.get(Category, top.parent_id)
    assert top.level == 1
    assert numbers(history(supervisor, category=top.code), validated, other) == [True, False]  # its leaves
    assert numbers(history(supervisor, team="soporte_n1"), validated, other) == [True, False]
    assert numbers(history(supervisor, assignee=validated.assignee.username), validated, other) == [True, False]
    assert numbers(history(supervisor, sla="running"), validated, other) == [True, False]
    assert numbers(history(supervisor, sla="breached"), validated, other) == [False, False]
    clock.advance(timedelta(days=30))
    supervisor.login("supervisor")
    assert numbers(history(supervisor, sla="breached"), validated, other) == [True, False]
    db.session.execute(update(Ticket).where(Ticket.id == validated.id)
                       .values(closed_at=validated.sla_due_at - timedelta(hours=1), status="closed"))
    db.session.commit()
    assert numbers(history(supervisor, sla="met"), validated, other) == [True, False]


def test_a_technician_sees_only_his_teams_tickets(staff):
    assigned = open_complaint()
    validate(assigned)  # soporte_n1
    waiting = open_complaint(customer_number="C-1002")  # validation task of the contact center
    page = history(staff("campo1"))
    assert numbers(page, assigned, waiting) == [False, False]
    page = history(staff("tecnico1"))
    assert numbers(page, assigned, waiting) == [True, False]


def test_sort_and_pages(staff):
    tickets = [open_complaint(customer_number=n) for n in ("C-1001", "C-1002", "C-1003")]
    for i, t in enumerate(tickets):  # reported a day apart
        db.session.execute(update(Ticket).where(Ticket.id == t.id)
                           .values(reported_at=clock.now() - timedelta(days=3 - i)))
    db.session.commit()
    agent = staff("agente")
    newest = history(agent, per_page=10)
    assert newest.index(tickets[2].number) < newest.index(tickets[0].number)
    oldest = history(agent, sort="oldest")
    assert oldest.index(tickets[0].number) < oldest.index(tickets[2].number)
    first = history(agent, per_page=10, page=1)
    assert "Página 1 de 1" not in first and "3 tickets" in first


def test_saved_searches_belong_to_their_owner(staff):
    maria = open_complaint()
    agent = staff("agente")
    response = agent.post("/staff/tickets/saved", data={"name": "Casos de María", "q": "lopez", "state": "open"})
    assert response.status_code == 302 and "q=lopez" in response.headers["Location"]
    page = history(agent)
    assert "Casos de María" in page
    assert "q=lopez" in page
    assert "Casos de María" not in history(staff("supervisor"))
    assert maria.number in history(agent, q="lopez", state="open")
    refused = agent.post("/staff/tickets/saved", data={"name": "vacía"}, expect=200,
                         follow_redirects=True).get_data(True)
    assert "Elija al menos un filtro" in refused
    saved = db.session.query(SavedTicketFilter).one()
    assert staff("supervisor").post(f"/staff/tickets/saved/{saved.id}/delete", expect=None).status_code in (302, 404)
    assert db.session.query(SavedTicketFilter).count() == 1  # not hers to delete
    agent.post(f"/staff/tickets/saved/{saved.id}/delete")
    assert db.session.query(SavedTicketFilter).count() == 0


def test_csv_export_has_the_filtered_rows_and_no_formulas(staff):
    maria = ticket_service.open_complaint(channel="phone", description="=HYPERLINK(\"http://x\")",
                                          actor=user("agente"), customer_number="C-1001", priority="media")
    juan = open_complaint(customer_number="C-1002")
    response = staff("agente").get("/staff/tickets.csv", query_string={"q": "lopez"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(True))))
    assert rows[0][0] == "numero" and [r[0] for r in rows[1:]] == [maria.number]
    assert rows[1][-1].startswith("'=") and juan.number not in response.get_data(True)


def test_history_is_in_the_menu_in_spanish(staff):
    page = history(staff("tecnico1"))
    assert "Histórico de tickets" in page and "Ningún ticket coincide." in page
