"""A ticket's timeline by keyset pages: every line once, newest first, stable while lines are added."""
from __future__ import annotations

from app.extensions import db
from app.models import TicketEvent
from app.services.cases import event_pages
from tests.staff.conftest import open_complaint


def add_lines(ticket, n: int, *, public: bool = False) -> None:
    db.session.add_all(TicketEvent(ticket_id=ticket.id, kind="comment", message=f"línea {i}", public=public)
                       for i in range(n))
    db.session.commit()


def test_pages_cover_every_line_once_newest_first():
    ticket = open_complaint()
    add_lines(ticket, 23)
    every = [e.id for e in event_pages.page(ticket, limit=1000).events]
    assert every == sorted(every, reverse=True) and len(every) >= 24  # "opened" and the 23 comments
    seen, before = [], None
    while True:
        page = event_pages.page(ticket, before, limit=5)
        assert len(page.events) <= 5 and page.latest == (before is None)
        seen += [e.id for e in page.events]
        before = page.older
        if before is None:
            break
    assert seen == every
    assert event_pages.page(ticket, every[-1]).events == []  # below the first line: nothing, no older page


def test_a_line_added_meanwhile_never_shifts_an_older_page():
    ticket = open_complaint()
    add_lines(ticket, 12)
    first = event_pages.page(ticket, limit=5)
    second = [e.id for e in event_pages.page(ticket, first.older, limit=5).events]
    add_lines(ticket, 3)
    assert [e.id for e in event_pages.page(ticket, first.older, limit=5).events] == second
    assert event_pages.page(ticket, limit=5).events[0].id > first.events[0].id


def test_public_only_pages_skip_internal_lines_and_bad_keys_show_the_newest():
    ticket = open_complaint()
    add_lines(ticket, 4, public=True)
    add_lines(ticket, 4)
    public = event_pages.page(ticket, public_only=True, limit=100).events
    assert public and all(e.public for e in public)
    newest = [e.id for e in event_pages.page(ticket, limit=3).events]
    for key in (0, -5, 2**40):  # no id a column holds: the newest page, never a database error
        assert [e.id for e in event_pages.page(ticket, key, limit=3).events] == newest
