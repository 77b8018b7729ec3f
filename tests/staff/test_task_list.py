"""The task list: tabs, filters, search, SLA marks, claim/release/reassign, and a bounded number of queries."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from app import clock
from app.extensions import db
from app.models import Customer, HumanTask, Ticket
from tests.staff.conftest import open_complaint, ready_task, validate


def test_agent_sees_contact_center_work_and_searches_it(staff):
    first = open_complaint()
    other = open_complaint(customer_number="C-1002")
    agent = staff("agente")
    page = agent.get("/staff/tasks", query_string={"scope": "all"}).get_data(True)
    assert first.number in page and other.number in page
    for search in (first.number, "C-1001", "maría", "4491000001"):
        found = agent.get("/staff/tasks", query_string={"q": search, "scope": "all"}).get_data(True)
        assert first.number in found and other.number not in found, search


def test_filters_by_channel_team_task_and_sla(staff):
    by_phone = open_complaint(channel="phone")
    social = open_complaint(channel="social", customer_number="C-1002")
    validate(by_phone)  # diagnosis for team soporte_n1, due at the SLA
    second_phone = open_complaint(channel="phone", customer_number="C-1003")
    page = staff("agente").get("/staff/tasks", query_string={"channel": "social", "scope": "all"}).get_data(True)
    assert social.number in page and second_phone.number not in page
    supervisor = staff("supervisor")
    page = supervisor.get("/staff/tasks", query_string={"task": "diagnostico", "scope": "all"}).get_data(True)
    assert by_phone.number in page and social.number not in page
    overdue = supervisor.get("/staff/tasks", query_string={"sla": "overdue", "scope": "all"}).get_data(True)
    assert overdue.count("task-link") == 0
    clock.advance(timedelta(days=30))
    supervisor.login("supervisor")  # the session expired meanwhile
    overdue = supervisor.get("/staff/tasks", query_string={"sla": "overdue", "scope": "all"}).get_data(True)
    assert by_phone.number in overdue and "sla-overdue" in overdue


def test_claim_release_and_reassign(staff):
    ticket = open_complaint()
    validate(ticket)
    diagnosis = ready_task(ticket, "diagnostico")
    holder = diagnosis.assignee.username
    other = "tecnico2" if holder == "tecnico1" else "tecnico1"
    staff(holder).post(f"/staff/tasks/{diagnosis.id}/release")
    colleague = staff(other)
    assert ticket.number in colleague.get("/staff/tasks", query_string={"scope": "team"}).get_data(True)
    colleague.post(f"/staff/tasks/{diagnosis.id}/claim")
    db.session.expire_all()
    assert ready_task(ticket, "diagnostico").assignee.username == other
    staff("supervisor").post(f"/staff/tasks/{diagnosis.id}/reassign", {"assignee": holder})
    db.session.expire_all()
    assert ready_task(ticket, "diagnostico").assignee.username == holder
    # A technician may not reassign; the refusal comes back as a message.
    response = colleague.post(f"/staff/tasks/{diagnosis.id}/reassign", {"assignee": other}, follow_redirects=True,
                              expect=200)
    assert "supervisor" in response.get_data(True)


def _many_tasks(count: int) -> None:
    """``count`` ready tasks cloned from one real complaint (the list reads only the index)."""
    model = ready_task(open_complaint(), "validar_reporte")
    for i in range(count):
        customer = Customer(number=f"C-9{i:04d}", name=f"Cliente {i}", phone=f"449200{i:04d}")
        ticket = Ticket(kind="complaint", customer=customer, channel="phone", description="x", number=f"Q-T-{i}")
        db.session.add(ticket)
        db.session.flush()
        db.session.add(HumanTask(id=f"00000000-0000-0000-0000-{i:012d}", instance_id=model.instance_id,
                                 ticket_id=ticket.id, process_id=model.process_id, task_name=model.task_name,
                                 title=model.title, lane=model.lane, priority="media",
                                 due_at=clock.now() + timedelta(hours=i)))
    db.session.commit()


@pytest.mark.parametrize("scope", ["all", "team"])
def test_a_page_takes_the_same_number_of_queries_whatever_its_size(staff, app, scope):
    _many_tasks(60)
    agent = staff("agente")
    counts = {}
    for size in (5, 50):
        statements = []
        count = lambda *_args, statements=statements, **_kw: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = agent.get("/staff/tasks", query_string={"per_page": size, "scope": scope}).get_data(True)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert page.count('class="task-link"') == size
        counts[size] = len(statements)
    assert counts[5] == counts[50] <= 10, counts


def test_the_list_opens_on_mine_with_a_counter_per_tab(staff):
    ticket = open_complaint()
    validate(ticket)
    holder = ready_task(ticket, "diagnostico").assignee.username
    open_complaint(customer_number="C-1002")  # validation: contact center, nobody holds it
    page = staff(holder).get("/staff/tasks").get_data(True)
    assert 'aria-current="page">Mías <span class="count-badge" aria-label="1 tarea">1</span>' in page
    assert ticket.number in page and "Todas" in page and "Todo lo que puedo ver" not in page
    agent = staff("agente").get("/staff/tasks").get_data(True)
    assert "Ninguna tarea coincide." in agent  # she holds nothing yet; the other tabs say how many wait
    assert 'Todas <span class="count-badge" aria-label="1 tarea">1</span>' in agent


def test_the_supervisor_sees_every_lane_and_portal_words_read_as_spanish(staff):
    waiting = open_complaint(channel="portal")  # validation by the contact center
    page = staff("supervisor").get("/staff/tasks", query_string={"scope": "all"}).get_data(True)
    assert waiting.number in page and "Validar reporte" in page and "portal en línea" in page
    assert "el portal en línea" not in page
