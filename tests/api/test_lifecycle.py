"""The whole complaint lifecycle through HTTP only, one test per path of processes/queja_reparacion.bpmn."""
from __future__ import annotations

from datetime import datetime, timedelta

from app import clock
from app.services.cases import timer_service


def statuses(ticket: dict) -> list[str]:
    return [e["data"]["new"] for e in ticket["timeline"] if e["kind"] == "status_changed"]


def completions(ticket: dict) -> list[tuple[str, str, str | None]]:
    """(task, who, on behalf of whom) of every completed task, in order."""
    return [(e["data"]["task"], e["actor"]["username"], e["on_behalf_of"])
            for e in ticket["timeline"] if e["kind"] == "task_completed"]


def close(complaint) -> dict:
    """From tests passed to closed: the supervisor answers confirmation and survey for the customer."""
    complaint.run_tests(passed=True)
    assert complaint.status == "pending_confirmation"
    complaint.confirm(solved=True)
    assert complaint.status == "resolved"
    complaint.answer_survey(score=5)
    return complaint.ticket


def assert_closed_with_report(ticket: dict, *, rounds: int) -> dict:
    assert ticket["status"]["code"] == "closed" and ticket["closed_at"] and ticket["open_tasks"] == []
    report = ticket["report"]
    assert report["nature"] == ticket["category"]
    assert report["actions"] and all(isinstance(a, str) and a for a in report["actions"])
    assert report["solution"]
    assert report["resolution_hours"] >= 0 and report["rounds"] == rounds
    assert report["survey_score"] == 5 and ticket["survey"] == {"score": 5, "comment": "Muy buena atención"}
    on_behalf = [c for c in completions(ticket) if c[0] in ("confirmar_resolucion", "encuesta_satisfaccion")]
    customer = ticket["customer"]["name"]
    assert on_behalf[-2:] == [("confirmar_resolucion", "supervisor", customer),
                              ("encuesta_satisfaccion", "supervisor", customer)]
    return report


def test_remote_path(open_complaint):
    complaint = open_complaint()
    complaint.validate(category="lentitud")
    assert complaint.status == "diagnosing" and complaint.open_titles() == ["Diagnóstico"]
    complaint.diagnose("remota")
    assert complaint.status == "in_progress"
    complaint.fix_remotely()
    assert complaint.status == "testing"
    ticket = close(complaint)
    report = assert_closed_with_report(ticket, rounds=1)
    assert any("Reinicio remoto del módem" in action for action in report["actions"])
    assert statuses(ticket) == ["open", "assigned", "diagnosing", "in_progress", "testing",
                                "pending_confirmation", "resolved", "closed"]
    assert [c[0] for c in completions(ticket)] == [
        "validar_reporte", "diagnostico", "intervencion_remota", "pruebas_funcionalidad",
        "confirmar_resolucion", "encuesta_satisfaccion"]


def test_on_site_path(api, open_complaint):
    complaint = open_complaint(customer_number="C-1002", description="El módem no enciende")
    complaint.validate(category="equipo")
    assert complaint.ticket["team"]["code"] == "campo" and complaint.technician == "campo1"
    complaint.diagnose("visita")
    assert complaint.open_titles() == ["Coordinar visita"]
    assert api.tasks("campo1", ticket=complaint.number) == []  # the agent schedules it first
    complaint.schedule_visit(window="09:00-13:00")
    assert complaint.status == "visit_scheduled"
    complaint.visit()
    ticket = close(complaint)
    report = assert_closed_with_report(ticket, rounds=1)
    assert any("Cambio de conectores" in action for action in report["actions"])
    assert report["team"] == "campo" and report["technician"] == "campo1"


def test_not_solved_goes_back_to_diagnosis_then_solved(open_complaint):
    complaint = open_complaint()
    complaint.validate()
    first_technician = complaint.technician
    complaint.diagnose("remota")
    complaint.fix_remotely()
    complaint.run_tests(passed=True)
    complaint.confirm(solved=False, comment="Sigue lento por las noches")
    ticket = complaint.ticket
    assert statuses(ticket)[-2:] == ["reopened", "diagnosing"]
    assert ticket["round"] == 2 and complaint.open_titles() == ["Diagnóstico"]
    assert complaint.technician == first_technician
    complaint.diagnose("remota")
    complaint.fix_remotely()
    assert_closed_with_report(close(complaint), rounds=2)


def test_failed_tests_go_back_to_diagnosis(open_complaint):
    complaint = open_complaint()
    complaint.validate()
    complaint.diagnose("remota")
    complaint.fix_remotely()
    complaint.run_tests(passed=False)
    assert complaint.status == "diagnosing" and complaint.ticket["round"] == 2
    assert complaint.open_titles() == ["Diagnóstico"]


def test_request_for_details_waits_for_the_customer_message(api, open_complaint):
    complaint = open_complaint()
    complaint.validate()
    # Unasked, a message is kept on the ticket and the process does not move.
    unasked = api.post(f"/tickets/{complaint.number}/messages", "agente", json={"text": "¿Me atienden?"}).json
    assert unasked["status"]["code"] == "diagnosing" and unasked["round"] == 1
    complaint.diagnose("solicitar_datos", question="¿Qué luces ve encendidas en el módem?")
    assert complaint.status == "waiting_customer" and complaint.open_titles() == []
    errors = api.post(f"/tickets/{complaint.number}/messages", "agente", json={"text": ""}, expect=422).json
    assert set(errors["errors"]) == {"text"}
    answered = api.post(f"/tickets/{complaint.number}/messages", "agente",
                        json={"text": "Solo la luz de encendido"}).json
    assert answered["status"]["code"] == "diagnosing" and answered["round"] == 2
    assert [t["title"] for t in answered["open_tasks"]] == ["Diagnóstico"]
    again = api.post(f"/tickets/{complaint.number}/messages", "agente", json={"text": "otra vez"}).json
    assert again["round"] == 2 and [t["title"] for t in again["open_tasks"]] == ["Diagnóstico"]
    api.post("/tickets/Q-1999-000001/messages", "agente", json={"text": "¿hola?"}, expect=404)
    complaint.diagnose("remota")
    complaint.fix_remotely()
    closed = close(complaint)
    assert_closed_with_report(closed, rounds=2)
    api.post(f"/tickets/{complaint.number}/messages", "agente", json={"text": "Gracias"}, expect=409)


def test_an_unanswered_survey_closes_the_ticket_after_seven_days(open_complaint):
    complaint = open_complaint()
    complaint.validate()
    complaint.diagnose("remota")
    complaint.fix_remotely()
    complaint.run_tests(passed=True)
    complaint.confirm(solved=True)
    assert complaint.open_titles() == ["Encuesta de satisfacción"]
    clock.advance(timedelta(days=7, minutes=1))
    assert timer_service.fire_due_timers() == 1
    ticket = complaint.ticket
    assert ticket["status"]["code"] == "closed" and ticket["open_tasks"] == []
    assert ticket["survey"] == {"score": None, "comment": None} and ticket["report"]["survey_score"] is None


def test_denied_path(open_complaint):
    complaint = open_complaint()
    complaint.deny("Duplicado del reporte Q-2026-000001")
    ticket = complaint.ticket
    assert ticket["status"]["code"] == "rejected" and ticket["open_tasks"] == []
    assert statuses(ticket) == ["rejected"]
    rejected = next(e for e in ticket["timeline"] if e["kind"] == "status_changed")
    assert rejected["public"] and "Duplicado del reporte" in rejected["message"]
    assert ticket["team"] is None and ticket["sla_due_at"] is None


def test_escalation_when_the_sla_passes(api, diagnosing):
    technician = diagnosing.technician
    diagnosis = api.ready_task(technician, diagnosing.number, "Diagnóstico")
    assert timer_service.fire_due_timers() == 0
    sla_due_at = datetime.fromisoformat(diagnosing.ticket["sla_due_at"])
    clock.advance(sla_due_at - clock.now() + timedelta(minutes=1))
    assert timer_service.fire_due_timers() == 1
    ticket = diagnosing.ticket
    assert ticket["escalated_at"] and "escalated" in [e["kind"] for e in ticket["timeline"]]
    review = api.ready_task("supervisor", diagnosing.number, "Revisar escalamiento")
    assert review["lane"] == "Supervisor"
    assert api.ready_task(technician, diagnosing.number, "Diagnóstico")["id"] == diagnosis["id"]
    api.get(f"/tasks/{review['id']}", technician, expect=404)
    assert timer_service.fire_due_timers() == 0  # a timer fires once
    api.post(f"/tasks/{review['id']}/complete", "supervisor",
             json={"data": {"supervisor_action": "seguimiento_tecnico", "supervisor_notes": "Llamé al técnico"}})
    assert diagnosing.open_titles() == ["Diagnóstico"]
    diagnosing.diagnose("remota")
    diagnosing.fix_remotely()
    report = assert_closed_with_report(close(diagnosing), rounds=1)
    assert report["escalated"] is True and report["within_sla"] is False
    assert report["response_within_sla"] is True and report["paused_hours"] == 0


def test_only_a_supervisor_may_answer_for_the_customer_and_the_timeline_says_for_whom(api, diagnosing):
    diagnosing.diagnose("remota")
    diagnosing.fix_remotely()
    diagnosing.run_tests(passed=True)
    confirmation = api.tasks("supervisor", ticket=diagnosing.number)[0]
    assert confirmation["title"] == "Confirmar resolución" and confirmation["lane"] == "Cliente"
    api.post(f"/tasks/{confirmation['id']}/complete", diagnosing.technician, json={"data": {"solved": True}},
             expect=404)
    diagnosing.confirm(solved=True, on_behalf_of="Jorge López (hijo de la titular)")
    event = diagnosing.ticket["timeline"]
    completed = [e for e in event if e["kind"] == "task_completed"][-1]
    assert completed["actor"]["username"] == "supervisor"
    assert completed["on_behalf_of"] == "Jorge López (hijo de la titular)"
    assert "Jorge López" in completed["message"]
