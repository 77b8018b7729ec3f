"""The planner serves the hot queries from their indexes (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL).

Plans, not timings, over a small data set built as bench/scale.py builds its 100,000 tickets (and analyzed);
on PostgreSQL sequential scans and sorts are switched off for the statement (a small table would be read whole
and sorted): a plan that still sorts, or reads no index, has no index that serves it.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import HumanTask, Ticket
from app.services.cases import task_query
from bench.scale import build
from tests.conftest import user


def plan(statement) -> str:
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "sqlite":
        return "\n".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # the sort then stays only where no index serves
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    return "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql))


@pytest.fixture(autouse=True)
def _data(app):
    build(600)
    yield
    db.session.rollback()


def test_a_tickets_open_tasks_come_from_their_index():
    found = plan(select(HumanTask).where(HumanTask.ticket_id == 7, HumanTask.status == "ready")
                 .order_by(HumanTask.created_at))
    assert "ix_human_task_ticket_open" in found
    assert "TEMP B-TREE" not in found and "Sort" not in found


def test_a_technicians_load_comes_from_its_index():
    found = plan(select(func.count(Ticket.id)).where(Ticket.assignee_id == 3,
                                                     Ticket.status.in_(["assigned", "in_progress"])))
    assert "ix_ticket_assignee_status" in found


@pytest.mark.parametrize(("sort", "index"), [("due", "ix_human_task_ready_due"),
                                               ("newest", "ix_human_task_ready_newest")])
def test_task_list_pages_walk_an_index_in_order(sort, index):
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    query = task_query.TaskQuery(sort=sort, scope="all")  # the whole list, not one person's tasks
    base = task_query.filtered(user("admin"), query, now, now + timedelta(hours=4))
    last = HumanTask(id="00000000-0000-0000-0000-000000000042", due_at=now, created_at=now - timedelta(days=1))
    for after in ("", task_query.cursor(sort, last)):
        for statement in task_query.page_statements(base, sort, after):
            found = plan(statement.limit(26))
            assert index in found or "due_at IS NULL" in str(statement), found
            # PostgreSQL does not order by what follows "due_at IS NULL" in an index; the tasks without a
            # deadline come presorted by ix_human_task_ready_newest and only ties on created_at are sorted
            assert "TEMP B-TREE FOR ORDER BY" not in found and " Sort  " not in found, found
            assert "ix_human_task" in found, found


def test_the_workers_statistics_refresh_runs_on_either_database(app):
    from app.worker import refresh_statistics

    refresh_statistics(app)  # PRAGMA optimize on SQLite; PostgreSQL's autovacuum keeps its own
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:  # ANALYZE ran after the migrations and after the build
            assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'human_task'").scalar()


def test_the_priority_order_reads_each_priority_from_its_index():
    """Each priority in turn, each in the "due" order, walked on an index in order (the priority's, whose ties
    on the deadline are sorted incrementally, or the deadline's or the newest's with the priority as a filter):
    the page's end stops the read, where ranking with a CASE sorted every visible task."""
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    query = task_query.TaskQuery(sort="priority", scope="all")
    base = task_query.filtered(user("admin"), query, now, now + timedelta(hours=4))
    last = HumanTask(id="00000000-0000-0000-0000-000000000042", priority="media", due_at=now,
                     created_at=now - timedelta(days=1))
    for after in ("", task_query.cursor("priority", last)):
        statements = task_query.page_statements(base, "priority", after)
        assert len(statements) == (8 if not after else 6)  # (deadline, none) per priority, from the cursor's on
        for statement in statements[:-2]:  # the last bucket (no priority) is rare and may be scanned
            found = plan(statement.limit(26))
            assert "ix_human_task" in found, found
            assert "TEMP B-TREE FOR ORDER BY" not in found and "->  Sort  " not in found, found


@pytest.mark.parametrize("after", [False, True])
def test_ones_own_tasks_come_from_the_index_of_held_tasks(after):
    """"Mine" seeks the holder's entries (SQLite: ``ix_human_task_held``, in order; PostgreSQL, which knows how
    rare a holder is, may sort his few ties on the deadline), never walks the whole deadline index looking for
    them: SQLite's statistics count the unheld tasks (NULL) as one holder of nearly every row of the full
    assignee index, which made that walk look cheaper."""
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    query = task_query.TaskQuery(sort="due", scope="mine")
    base = task_query.filtered(user("supervisor"), query, now, now + timedelta(hours=4))
    last = HumanTask(id="00000000-0000-0000-0000-000000000042", due_at=now, created_at=now - timedelta(days=1))
    for statement in task_query.page_statements(base, "due", task_query.cursor("due", last) if after else ""):
        found = plan(statement.limit(26))
        assert "assignee_id" in found and "ix_human_task_ready_due" not in found, found
        assert "TEMP B-TREE FOR ORDER BY" not in found and "->  Sort  " not in found, found
