"""The staff ticket page shows the newest page of the timeline, with "Ver anteriores" to older pages."""
from __future__ import annotations

import re

from app.extensions import db
from app.models import TicketEvent
from app.services.cases import event_pages
from tests.staff.conftest import open_complaint


def test_the_page_shows_the_newest_lines_and_links_to_older_ones(staff):
    ticket = open_complaint()
    db.session.add_all(TicketEvent(ticket_id=ticket.id, kind="comment", message=f"nota número {i}")
                       for i in range(event_pages.PAGE_SIZE + 5))
    db.session.commit()
    supervisor = staff("supervisor")
    newest = supervisor.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert f"nota número {event_pages.PAGE_SIZE + 4}" in newest and "nota número 4<" not in newest
    assert "timeline-latest" not in newest
    earlier = re.search(r'id="timeline-earlier" href="([^"]+)">Ver anteriores', newest).group(1).replace("&amp;", "&")
    older = supervisor.get(earlier).get_data(True)
    assert "nota número 4<" in older and "nota número 0<" in older
    assert f"nota número {event_pages.PAGE_SIZE + 4}<" not in older
    assert "timeline-earlier" not in older and 'id="timeline-latest"' in older
    assert supervisor.get(f"/staff/tickets/{ticket.number}?before=abc").status_code == 200
