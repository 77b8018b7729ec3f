"""Each of the eight results of seed 003 from earlier tickets in that state (and the self-service /
agent-made split of results 3 and 4), through the analysis, the DMN table and the actions."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import FollowUp, HumanTask, Ticket, TicketEvent, TicketLink
from app.services.followups import analysis, filing
from tests.conftest import user
from tests.services.followups.conftest import (
    HOGAR,
    NEGOCIO,
    answer_followup,
    answered_complaint,
    classified_complaint,
    fresh,
    overdue_complaint,
    ready,
    rejected_complaint,
    with_followup,
)

# What results 6 to 8 must never say: open / file / register another request, ticket or follow-up.
ANOTHER_REQUEST = re.compile(r"(nuev[oa]|otr[oa]|levant|registr|ingres|abr[ai]|haga|realice|área de cliente|"
                             r"insistir en este)", re.IGNORECASE)


def agent_call(ticket: Ticket, disagrees: bool = False):
    return filing.act(ticket.number, disagrees, user("agente"))


def test_1_unanswered_within_its_deadline_tells_the_maximum_response_date():
    ticket = classified_complaint(NEGOCIO)
    result = agent_call(ticket)
    assert result.inputs == {"initial_answered": False, "initial_overdue": False, "customer_disagrees": False,
                             "followup": "none", "followup_overdue": False, "self_service_line": False}
    assert result.action == "tell_deadline" and result.followup is None
    assert "a más tardar el" in result.words and ticket.number in result.words
    note = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "followup_call"))
    assert note.data["action"] == "tell_deadline" and not note.public


def test_2_answered_and_the_customer_did_not_know_reads_the_answer():
    ticket = answered_complaint(HOGAR)
    result = agent_call(ticket)
    assert result.action == "tell_answer"
    assert "Cambiamos su perfil de velocidad" in result.words
    # The rejection with its reason is an answer too, even past the deadline.
    rejected = rejected_complaint(NEGOCIO)
    clock.advance(timedelta(days=10))
    result = agent_call(rejected)
    assert result.action == "tell_answer" and "lo atiende Ventas" in result.words


def test_3_unanswered_and_overdue_the_agent_files_a_late_response_follow_up():
    ticket = overdue_complaint(NEGOCIO)
    result = agent_call(ticket)
    assert result.inputs["initial_overdue"] and not result.inputs["self_service_line"]
    assert result.action == "create_late_response_ticket"
    followup = fresh(result.followup)
    record = db.session.get(FollowUp, followup.id)
    assert followup.number.startswith("S-") and followup.kind == "followup"
    assert record.earlier_ticket_id == ticket.id and record.subject_code == "respuesta_fuera_plazo"
    link = db.session.scalar(select(TicketLink).where(TicketLink.ticket_id == followup.id))
    assert link.link_type == "insistencia" and link.target_id == ticket.id
    assert followup.category == "insistencia_fuera_plazo" and followup.team.code == "gestion_clientes"
    # Routed to the responsible team at higher priority than the earlier ticket (media -> alta), own SLA.
    assert ticket.priority == "media" and followup.priority == "alta"
    assert followup.response_due_at is not None and followup.response_due_at > clock.now()
    assert ready(followup, "responder_insistencia").candidate_team == "gestion_clientes"
    assert followup.number in result.words


def test_3_self_service_line_tells_the_customer_to_file_it_in_the_customer_area():
    ticket = overdue_complaint(HOGAR)
    result = agent_call(ticket)
    assert result.inputs["self_service_line"] and result.action == "customer_files_late_response"
    assert result.followup is None and "área de cliente" in result.words
    # ... and the customer files it himself from the earlier ticket's page.
    filed = filing.file_by_customer(ticket.customer_id, ticket.number, False, "Sigo sin respuesta.")
    assert filed.followup is not None and filed.followup.channel == "portal"
    assert db.session.get(FollowUp, filed.followup.id).subject_code == "respuesta_fuera_plazo"


def test_4_disagreement_agent_files_it_or_the_self_service_customer_is_told_to():
    agent_line = answered_complaint(NEGOCIO)
    result = agent_call(agent_line, disagrees=True)
    assert result.action == "create_disagreement_ticket"
    assert db.session.get(FollowUp, result.followup.id).subject_code == "inconformidad_respuesta"

    self_service = answered_complaint(HOGAR)
    result = agent_call(self_service, disagrees=True)
    assert result.action == "customer_files_disagreement" and result.followup is None
    assert "no está conforme con la respuesta" in result.words and "área de cliente" in result.words


def test_5_a_disagreement_follow_up_open_within_its_deadline_gives_its_date():
    ticket = answered_complaint(NEGOCIO)
    followup = with_followup(ticket, disagrees=True)
    result = agent_call(ticket, disagrees=True)
    assert result.inputs["followup"] == "open" and not result.inputs["followup_overdue"]
    assert result.action == "tell_deadline" and followup.number in result.words


def test_6_unanswered_initial_with_an_answered_follow_up_escalates_without_another_request():
    ticket = overdue_complaint(NEGOCIO)
    followup = answer_followup(with_followup(ticket, disagrees=False))
    assert followup.status == "answered"
    result = agent_call(ticket)
    assert result.inputs["initial_answered"] is False and result.inputs["followup"] == "answered"
    _assert_escalated(result, ticket)


def test_7_a_follow_up_past_its_deadline_escalates_without_another_request():
    ticket = answered_complaint(NEGOCIO)
    followup = with_followup(ticket, disagrees=True)
    clock.freeze(followup.response_due_at + timedelta(minutes=5))
    result = agent_call(ticket)
    assert result.inputs["followup"] == "open" and result.inputs["followup_overdue"]
    _assert_escalated(result, ticket)


def test_8_answered_follow_up_and_the_customer_still_disagrees_escalates_without_another_request():
    ticket = answered_complaint(HOGAR)  # even on a self-service line
    filed = filing.file_by_customer(ticket.customer_id, ticket.number, True, "No navego a 100 Mb.")
    answer_followup(fresh(filed.followup))
    result = agent_call(ticket, disagrees=True)
    assert result.inputs["followup"] == "answered" and result.inputs["customer_disagrees"]
    _assert_escalated(result, ticket)


def _assert_escalated(result, ticket: Ticket) -> None:
    assert result.action == "escalate_supervisor"
    assert not ANOTHER_REQUEST.search(result.words), result.words
    escalation = fresh(result.followup)
    assert db.session.get(FollowUp, escalation.id).escalated
    assert escalation.status == "escalated" and escalation.escalated_at is not None
    task = db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == escalation.id,
                                                     HumanTask.status == "ready"))
    assert task.task_name == "atender_escalada" and task.lane == "Supervisor"
    # The whole history reaches the supervisor: the earlier ticket, its answer and every follow-up.
    assert ticket.number in task.instructions and ticket.description in task.instructions
    for earlier_followup in analysis.analyze(ticket).followups[:-1]:
        assert earlier_followup.ticket.number in task.instructions
