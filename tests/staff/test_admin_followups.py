"""An administrator edits the follow-up subjects and the self-service lines in the browser; a deploy never
overwrites the edit; the analysis follows the data."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import FollowupSubject, LineOfBusiness
from app.services.followups import filing
from app.services.processes import process_service
from tests.conftest import user
from tests.services.followups.conftest import START, classified_complaint


def _restore():
    db.session.get(LineOfBusiness, "hogar").self_service = True
    subject = db.session.get(FollowupSubject, "gestion_cobranza")
    subject.priority, subject.channels = "alta", ["phone", "email", "social"]
    db.session.commit()


def test_a_line_stops_being_self_service_and_the_agent_files_instead(staff, app):
    clock.freeze(START)
    ticket = classified_complaint("C-1001")
    clock.freeze(ticket.response_due_at + timedelta(hours=1))
    assert filing.evaluate(ticket.number, False, user("agente")).action == "customer_files_late_response"
    admin = staff("admin")
    try:
        admin.post("/staff/admin/followups/lines/hogar", {"self_service": "no"})
        assert filing.evaluate(ticket.number, False, user("agente")).action == "create_late_response_ticket"
        process_service.deploy_directory(app.config["PROCESSES_DIR"])
        assert db.session.get(LineOfBusiness, "hogar").self_service is False
    finally:
        _restore()


def test_an_admin_edits_a_subject_and_bad_input_is_refused(staff):
    admin = staff("admin")
    page = admin.get("/staff/admin/followups").get_data(True)
    assert "Gestión de cobranza" in page
    try:
        admin.post("/staff/admin/followups/subjects/gestion_cobranza", {
            "label": "Gestión de cobranza", "description": "x", "category": "gestion_cobranza",
            "team_code": "gestion_clientes", "priority": "media", "document_class": "Reclamo",
            "channels": ["phone", "email"], "in_person_as": "email", "non_customers": "on", "active": "on"})
        db.session.expire_all()
        subject = db.session.get(FollowupSubject, "gestion_cobranza")
        assert subject.priority == "media" and subject.channels == ["phone", "email"]
        refused = admin.post("/staff/admin/followups/subjects/gestion_cobranza", {
            "label": "", "category": "gestion_cobranza", "team_code": "nadie", "priority": "media",
            "channels": ["phone"], "in_person_as": "email", "active": "on"}, expect=422).get_data(True)
        assert "Ningún equipo tiene este código." in refused
        staff("agente").get("/staff/admin/followups", expect=403)
    finally:
        _restore()
