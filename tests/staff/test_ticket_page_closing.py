"""The ticket page: the internal closing report and the survey, automatic timeline lines folded, diagram tools."""
import re

from sqlalchemy import update

from app.extensions import db
from app.models import Ticket, TicketEvent
from app.services.cases.ticket_view_service import group_timeline
from tests.staff.conftest import open_complaint, validate

REPORT = {"nature": "lentitud", "actions": ["Reinicio remoto", "Cambio de canal"], "solution": "Canal 6 libre",
          "priority": "media", "team": "soporte_n1", "technician": "tecnico1", "rounds": 1, "escalated": False,
          "resolution_hours": 3.5, "within_sla": True, "survey_score": 4}


def test_closing_report_and_survey_are_shown_to_staff(staff):
    ticket = open_complaint()
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(
        status="closed", category="lentitud", report=REPORT, survey_score=4, survey_comment="Rápido, gracias <b>"))
    db.session.commit()
    page = staff("supervisor").get(f"/staff/tickets/{ticket.number}").get_data(True)
    section = page[page.index('id="closing"'):]
    section = section[:section.index("</section>")]
    for text in ("Informe de cierre", "Lentitud en la conexión", "Reinicio remoto, Cambio de canal", "Canal 6 libre",
                 "Dentro del SLA", "Sí", "3.5", "Encuesta de satisfacción", "Calificación 4 de 5",
                 "Rápido, gracias &lt;b&gt;"):
        assert text in section, text


def test_an_open_ticket_has_no_closing_section(staff):
    ticket = open_complaint()
    assert 'id="closing"' not in staff("agente").get(f"/staff/tickets/{ticket.number}").get_data(True)


def test_automatic_lines_are_folded_and_people_stay_visible(staff):
    ticket = open_complaint()
    validate(ticket)
    events = db.session.query(TicketEvent).filter_by(ticket_id=ticket.id).order_by(TicketEvent.id).all()
    automatic = [e for e in events if e.actor_id is None and e.kind in ("status_changed", "notification_sent",
                                                                        "assigned")]
    assert len(automatic) >= 2
    entries = group_timeline(events)
    assert len(entries) < len(events)
    assert sum(len(getattr(e, "events", [e])) for e in entries) == len(events)  # nothing lost
    page = staff("supervisor").get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert re.search(r"<summary>\d+ actualizaciones automáticas", page)
    assert "Ana Agente" in page  # the person who validated is a line of her own


def test_the_diagram_has_zoom_and_fit_buttons(staff):
    ticket = open_complaint()
    page = staff("agente").get(f"/staff/tickets/{ticket.number}").get_data(True)
    for label in ('aria-label="Acercar"', 'aria-label="Alejar"', "Ajustar a la vista", 'data-zoom="reset"'):
        assert label in page
