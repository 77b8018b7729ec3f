"""The internal report of a closed ticket: its figures computed by hand on a fixed ticket."""
from __future__ import annotations

import pytest

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import TicketEvent
from app.services.control import internal_report
from tests.conftest import user
from tests.services.control.review_data import closed_ticket, local


@pytest.fixture
def weekend_ticket():
    """Reported Friday 27/11/2026 17:00, resolved Monday 30/11 10:00, closed 11:00 (Mexico City), half an
    hour paused waiting on the customer, a 4 in the survey."""
    ticket = closed_ticket("Sin internet en toda la casa", local(2026, 11, 30, 11), reported=local(2026, 11, 27, 17),
                           resolved=local(2026, 11, 30, 10), equipment=("ZTE", "F660"),
                           solution="Se cambió el módem", sla_calendar="horario_comercial",
                           sla_paused_seconds=1800, survey_score=4, survey_comment="Rápido y amable")
    ticket.report = {**ticket.report, "actions": ["Diagnóstico remoto", "Visita a domicilio"], "within_sla": True,
                     "response_within_sla": False}
    technician = user("tecnico1")
    db.session.add_all([
        TicketEvent(ticket=ticket, kind="opened", message="Queja registrada"),
        TicketEvent(ticket=ticket, kind="notification_sent", message="Correo enviado"),
        TicketEvent(ticket=ticket, kind="task_completed", message="Diagnóstico completado", actor=technician),
    ])
    db.session.commit()
    return ticket


def test_time_is_counted_in_business_hours_without_pauses(app, weekend_ticket):
    report = internal_report.internal_report(weekend_ticket.number, user("supervisor"))

    assert report.elapsed_hours == 65.0  # Friday 17:00 to Monday 10:00
    # business hours: Friday 17-18 (1) + Saturday 9-14 (5) + Monday 9-10 (1) = 7, less half an hour paused
    assert report.business_hours == 6.5
    assert report.paused_hours == 0.5
    assert report.actions == ["Diagnóstico remoto", "Visita a domicilio"]
    assert (report.within_sla, report.response_within_sla) == (True, False)
    assert (report.survey_score, report.survey_comment) == (4, "Rápido y amable")
    assert [e.kind for e in report.steps] == ["opened", "task_completed"]  # automatic lines left out
    assert report.as_dict()["steps"][1]["by"] == "Tomás Técnico"


def test_an_open_ticket_has_no_report_yet(app, weekend_ticket):
    weekend_ticket.closed_at = None
    db.session.commit()
    with pytest.raises(Conflict):
        internal_report.internal_report(weekend_ticket.number, user("supervisor"))


def test_a_ticket_the_reader_may_not_see_is_not_found(app, weekend_ticket):
    with pytest.raises(NotFound):
        internal_report.internal_report(weekend_ticket.number, user("campo1"))
