"""Staff pages of the periodic review and of the internal report (PDF included)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import RecurringProblem
from tests.services.control.review_data import closed_ticket, local


def _three_alike():
    return [closed_ticket(text, local(2026, 11, day, 12), equipment=("Huawei", "HG8145"),
                          solution="Reinicio remoto del módem")
            for day, text in ((23, "Sin internet, el módem parpadea en rojo"),
                              (24, "Luz roja en el módem y sin internet"),
                              (25, "El módem está en rojo: no hay internet"))]


def test_a_supervisor_runs_a_review_and_decides_a_pattern(app, staff):
    tickets = _three_alike()
    supervisor = staff("supervisor")
    assert "Revisión periódica" in supervisor.get("/staff/reviews").get_data(True)

    done = supervisor.post("/staff/reviews", {"start": "2026-11-23", "end": "2026-11-29"})
    page = supervisor.get(done.headers["Location"]).get_data(True)
    assert all(t.number in page for t in tickets)
    problem = db.session.scalar(select(RecurringProblem))

    refused = supervisor.post(f"/staff/reviews/{problem.run_id}/problems/{problem.id}",
                              {"decision": "pattern", "improvement_action": "Actualizar firmware"}, expect=422)
    text = refused.get_data(True)
    assert "Elija quién es responsable de la acción." in text and "Actualizar firmware" in text  # kept

    supervisor.post(f"/staff/reviews/{problem.run_id}/problems/{problem.id}",
                    {"decision": "pattern", "improvement_action": "Actualizar firmware", "owner": "redes1",
                     "due_on": "2026-12-18"})
    history = supervisor.get("/staff/reviews").get_data(True)
    assert "Actualizar firmware" in history and "Rita Redes" in history


def test_a_bad_period_is_explained_in_spanish(app, staff):
    supervisor = staff("supervisor")
    supervisor.post("/staff/reviews", {"start": "2026-11-29", "end": "nope"})
    assert "Indique una fecha." in supervisor.get("/staff/reviews").get_data(True)


def test_technicians_may_not_review(app, staff):
    page = staff("tecnico1").get("/staff/reviews", expect=403).get_data(True)
    assert "Solo los supervisores" in page


def test_the_internal_report_has_a_page_and_a_pdf(app, staff):
    ticket = closed_ticket("Sin internet en toda la casa", local(2026, 11, 30, 11), reported=local(2026, 11, 27, 17),
                           resolved=local(2026, 11, 30, 10), sla_calendar="horario_comercial", survey_score=5)
    supervisor = staff("supervisor")
    page = supervisor.get(f"/staff/tickets/{ticket.number}/report").get_data(True)
    assert "Informe interno" in page and "Sin internet en toda la casa" in page

    pdf = supervisor.get(f"/staff/tickets/{ticket.number}/report.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")

    ticket.closed_at = None
    db.session.commit()
    assert "todavía no está cerrado" in supervisor.get(f"/staff/tickets/{ticket.number}/report",
                                                        expect=409).get_data(True)
