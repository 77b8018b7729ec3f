"""The task list: tabs, filters, search, SLA marks, claim/release/reassign, and a bounded number of queries."""
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import event, select

from app import clock
from app.extensions import db
from app.models import Customer, HumanTask, Ticket
from app.services.cases import task_query
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


def test_tab_counters_stop_at_the_count_limit(staff, monkeypatch):
    monkeypatch.setattr(task_query, "COUNT_LIMIT", 3)
    _many_tasks(4)
    agent = staff("agente").get("/staff/tasks").get_data(True)
    assert 'Todas <span class="count-badge" aria-label="Más de 3 tareas">3+</span>' in agent
    assert 'Mías <span class="count-badge" aria-label="0 tareas">0</span>' in agent


def test_the_supervisor_sees_every_lane_and_portal_words_read_as_spanish(staff):
    waiting = open_complaint(channel="portal")  # validation by the contact center
    page = staff("supervisor").get("/staff/tasks", query_string={"scope": "all"}).get_data(True)
    assert waiting.number in page and "Validar reporte" in page and "portal en línea" in page
    assert "el portal en línea" not in page


def _ids(html: str) -> list[str]:
    return re.findall(r'class="task-link" href="/staff/tasks/([^"]+)"', html)


def _walk(agent, **args) -> tuple[list[str], list[str]]:
    """Follow the "next" links from the first page: the ids seen, page by page, and the pages' HTML."""
    url, seen, pages = "/staff/tasks", [], []
    response = agent.get(url, query_string={"scope": "all", **args})
    while True:
        html = response.get_data(True)
        pages.append(html)
        seen += _ids(html)
        following = re.search(r'href="([^"]+)" rel="next"', html)
        if not following:
            return seen, pages
        response = agent.get(unescape(following.group(1)))


@pytest.mark.parametrize("sort", ["due", "priority", "newest"])
def test_pages_follow_each_other_by_keyset_without_gaps_or_repeats(staff, sort):
    _many_tasks(23)
    tasks = db.session.scalars(select(HumanTask).where(HumanTask.status == "ready").order_by(HumanTask.id)).all()
    for i, task in enumerate(tasks):  # ties and missing deadlines, which sort last
        task.due_at = None if i % 5 == 0 else tasks[1].due_at if i % 3 == 0 else task.due_at
        task.priority = ("alta", "media", "baja", None)[i % 4]
        task.created_at = tasks[0].created_at + timedelta(minutes=i // 2)
    db.session.commit()
    agent = staff("agente")
    whole = _ids(agent.get("/staff/tasks", query_string={"scope": "all", "sort": sort, "per_page": 100})
                 .get_data(True))
    seen, pages = _walk(agent, sort=sort, per_page=5)
    assert len(whole) == 24 and seen == whole and len(pages) == 5
    assert "Primera página" in pages[1] and "Primera página" not in pages[0]
    by_id = {t.id: t for t in tasks}
    if sort == "due":
        deadlines = [by_id[i].due_at for i in seen]
        present = [d for d in deadlines if d is not None]
        assert len(present) <= 19 and deadlines == present + [None] * (24 - len(present))
        assert present == sorted(present)
    elif sort == "newest":
        created = [by_id[i].created_at for i in seen]
        assert created == sorted(created, reverse=True)
    else:
        ranks = [("alta", "media", "baja", None).index(by_id[i].priority) for i in seen]
        assert ranks == sorted(ranks)


def test_a_cursor_made_for_another_sort_or_tampered_with_starts_over(staff):
    _many_tasks(8)
    agent = staff("agente")
    first = _ids(agent.get("/staff/tasks", query_string={"scope": "all", "per_page": 5}).get_data(True))
    _seen, pages = _walk(agent, per_page=5, sort="newest")
    after = re.search(r'after=([^"&]+)', pages[0]).group(1)
    for cursor in (after, "not-a-cursor", "W10"):
        response = agent.get("/staff/tasks", query_string={"scope": "all", "per_page": 5, "after": cursor})
        assert response.status_code == 200 and _ids(response.get_data(True)) == first


def test_the_count_stops_at_its_bound(staff, monkeypatch):
    _many_tasks(12)
    monkeypatch.setattr(task_query, "COUNT_LIMIT", 10)
    assert "Más de 10 tareas" in staff("agente").get("/staff/tasks?scope=all").get_data(True)
    monkeypatch.setattr(task_query, "COUNT_LIMIT", 13)
    assert "13 tareas" in staff("agente").get("/staff/tasks?scope=all").get_data(True)


def test_the_filter_choices_are_read_once_and_cached(staff, app, monkeypatch):
    _many_tasks(3)
    monkeypatch.setitem(app.config, "TASK_CHOICES_CACHE_SECONDS", 60)
    agent = staff("agente")  # signing in may land on the list
    app.extensions.pop("task_list_choices", None)
    statements = []
    listener = lambda _c, _cur, sql, *_a: statements.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        first = agent.get("/staff/tasks").get_data(True)
        distinct_first = sum("DISTINCT" in s for s in statements)
        statements.clear()
        second = agent.get("/staff/tasks").get_data(True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
        app.extensions.pop("task_list_choices", None)
    assert distinct_first == 1 and not any("DISTINCT" in s for s in statements)
    assert 'value="validar_reporte"' in first and 'value="validar_reporte"' in second
