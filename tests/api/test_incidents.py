"""The incident lifecycle (processes/incidencia.bpmn) through HTTP, every path of the diagram: validated,
denied, joined to the open incident, data requested, escalated by hand and by the level's deadline
(N1 → N2 → supervisor), FINALIZADO with its two notifications, not solved, unconfirmed, reclassified."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Notification, Ticket
from app.services.cases import timer_service
from app.services.mail import outbox_service
from tests.api.conftest import Case
from tests.conftest import user

DEVICE = {"equipment_brand": "Samsung", "equipment_model": "Galaxy A54", "device_serial": "356789104563211",
          "faults": ["pantalla", "no_enciende"], "fault_notes": "Se cayó al piso"}


@dataclass
class Incident(Case):

    def validate(self, **data):
        return self.api.complete("agente", self.number, "Validar incidencia", {"decision": "validar", **data})

    def classify(self, category="movil_pantalla", impact="alto", urgency="media", team="soporte_n1"):
        return self.api.complete("agente", self.number, "Clasificar incidencia",
                                 {"category": category, "impact": impact, "urgency": urgency, "team": team})

    def diagnose(self, next_step="resolver", user=None, **extra):
        return self.api.complete(user or self.technician, self.number, "Diagnóstico",
                                 {"diagnosis": "Display dañado por golpe", "next_step": next_step, **extra})

    def resolve(self, user=None, **data):
        body = {"outcome": "resuelto", "resolution": "Cambio de pantalla", "procedure": "1. Desarmar 2. Cambiar"}
        return self.api.complete(user or self.technician, self.number, "Resolución", {**body, **data})

    def confirm(self, solved=True, comment=None):
        data = {"solved": solved, **({"confirmation_comment": comment} if comment else {})}
        return self.api.complete("supervisor", self.number, "Confirmar solución", data)

    def reclassify(self, final_category="movil_pantalla", note="Sin novedad"):
        return self.api.complete("agente", self.number, "Reclasificar y cerrar",
                                 {"final_category": final_category, "closing_note": note})


@pytest.fixture
def register(api):
    def register_(*, expect=201, user="agente", **overrides) -> Incident:
        body = {"kind": "incident", "customer_number": "C-1001", "channel": "phone",
                "description": "El celular no enciende y la pantalla está rota", **DEVICE, **overrides}
        response = api.post("/tickets", user, json=body, expect=expect)
        return Incident(api, response.json["number"]) if expect in (200, 201) else response

    return register_


@pytest.fixture
def working(register) -> Incident:
    """Validated and classified: the technician has the diagnosis."""
    incident = register()
    incident.validate()
    incident.classify()
    return incident


def statuses(ticket: dict) -> list[str]:
    return [e["data"]["new"] for e in ticket["timeline"] if e["kind"] == "status_changed"]


def test_registration_takes_the_device_and_numbers_it_with_i(register):
    incident = register()
    ticket = incident.ticket
    assert ticket["number"].startswith("I-") and ticket["kind"] == "incident"
    assert ticket["status"]["label"] == "Registrada"
    assert ticket["equipment"] == {"brand": "Samsung", "model": "Galaxy A54"}
    assert ticket["incident"]["device_serial"] == "356789104563211"
    assert ticket["incident"]["faults"] == ["pantalla", "no_enciende"] and ticket["incident"]["level"] == "n1"
    [task] = ticket["open_tasks"]
    assert task["title"] == "Validar incidencia" and task["lane"] == "Contact center"
    assert "Galaxy A54" in task["instructions"] and "Pantalla rota o sin imagen" in task["instructions"]


def test_bad_device_data_is_refused_in_spanish_and_keeps_nothing(api, register):
    response = register(expect=422, faults=["explota"])
    assert "faults" in str(response.json["errors"])
    response = api.post("/tickets", "agente", expect=422, json={
        "customer_number": "C-1001", "channel": "phone", "description": "Queja", "device_serial": "X1"})
    assert response.json["errors"] == {"device_serial": ["Solo para incidencias."]}
    assert api.get("/tasks", "agente").json["tasks"] == []


def test_happy_path_to_finalizado_reclassified_and_closed(api, working, smtp):
    incident = working
    ticket = incident.ticket
    assert ticket["priority"] == "alta"  # impacto alto × urgencia media
    assert ticket["incident"]["impact"] == "alto" and ticket["team"]["code"] == "soporte_n1"
    assert ticket["status"]["code"] == "diagnosing" and incident.open_titles() == ["Diagnóstico"]
    incident.diagnose()
    incident.resolve()
    ticket = incident.ticket
    assert ticket["status"]["code"] == "finalized" and ticket["status"]["label"] == "FINALIZADO"
    assert ticket["incident"]["resolution"] == "Cambio de pantalla" and ticket["resolved_at"]
    # The customer and the person responsible for incident management, through the real SMTP server.
    outbox_service.deliver_due()
    finalized = [m for m in smtp.inbox.messages if "FINALIZADO" in m["Subject"]]
    assert sorted(m["To"] for m in finalized) == ["maria.lopez@example.com", "supervisor@net1.mx"]
    customer_mail = next(m for m in finalized if m["To"] == "maria.lopez@example.com")
    assert "Cambio de pantalla" in customer_mail.get_content()
    incident.confirm(solved=True)
    incident.reclassify(final_category="movil_bateria")
    ticket = incident.ticket
    assert ticket["status"]["code"] == "closed" and ticket["open_tasks"] == []
    assert ticket["category"] == "movil_bateria"
    assert ticket["incident"]["reported_category"] == "movil_pantalla"
    assert ticket["incident"]["final_category"] == "movil_bateria"
    assert ticket["report"]["reported_category"] == "movil_pantalla"
    assert statuses(ticket) == ["open", "assigned", "diagnosing", "finalized", "closed"]


def test_denied_with_the_reason_sent_to_the_customer(register, smtp):
    incident = register()
    incident.validate(decision="denegar", rejection_reason="El equipo no fue adquirido con Net1")
    outbox_service.deliver_due()
    ticket = incident.ticket
    assert ticket["status"]["code"] == "rejected" and ticket["open_tasks"] == []
    denied = [m for m in smtp.inbox.messages if "denegada" in m["Subject"]]
    assert denied and "no fue adquirido con Net1" in denied[0].get_content()


def test_validator_joins_it_to_the_open_incident(api, register):
    original = register()
    duplicate = register(confirm_new=True, description="Sigue sin encender el celular")
    api.complete("agente", duplicate.number, "Validar incidencia",
                 {"decision": "duplicado", "original_number": original.number})
    dup, orig = duplicate.ticket, original.ticket
    assert dup["status"]["code"] == "closed" and dup["open_tasks"] == []
    assert {"type": "merged_into", "ticket": original.number, "direction": "outgoing"}.items() <= \
        dup["links"][0].items()
    assert any(link["ticket"] == duplicate.number and link["direction"] == "incoming" for link in orig["links"])
    assert any(e.get("data", {}) and e["data"].get("merged_from") == duplicate.number for e in orig["timeline"])
    assert [t["title"] for t in orig["open_tasks"]] == ["Validar incidencia"]


def test_technician_asks_the_customer_and_the_answer_opens_a_new_round(api, working):
    incident = working
    incident.diagnose("solicitar_datos", question="¿Desde cuándo no enciende?")
    assert incident.status == "waiting_customer" and incident.open_titles() == []
    api.post(f"/tickets/{incident.number}/messages", "agente", json={"text": "Desde el lunes"})
    ticket = incident.ticket
    assert ticket["status"]["code"] == "diagnosing" and [t["title"] for t in ticket["open_tasks"]] == ["Diagnóstico"]
    assert "Desde el lunes" in ticket["open_tasks"][0]["instructions"]


def test_no_puedo_resolverlo_escalates_n1_n2_supervisor_with_who_and_why(api, working):
    incident = working
    n1 = incident.technician
    incident.diagnose("escalar", escalation_reason="Requiere soldar el conector")
    ticket = incident.ticket
    assert ticket["incident"]["level"] == "n2" and ticket["team"]["code"] == "redes"
    n2 = ticket["assignee"]["username"]
    assert n2 == "redes1" and incident.open_titles() == ["Diagnóstico"]
    incident.diagnose()
    incident.resolve(outcome="no_puedo", escalation_reason="Falla de la placa base", user=n2)
    ticket = incident.ticket
    assert ticket["incident"]["level"] == "supervisor" and incident.open_titles() == ["Resolver como supervisor"]
    escalations = ticket["incident"]["escalations"]
    assert [(e["from_level"], e["to_level"], e["trigger"], e["actor"]["username"], e["reason"]) for e in escalations] \
        == [("n1", "n2", "manual", n1, "Requiere soldar el conector"),
            ("n2", "supervisor", "manual", n2, "Falla de la placa base")]
    api.complete("supervisor", incident.number, "Resolver como supervisor",
                 {"diagnosis": "Placa dañada", "resolution": "Cambio de equipo", "procedure": "Garantía"})
    assert incident.status == "finalized" and incident.open_titles() == ["Confirmar solución"]


def test_the_deadline_escalates_each_level_once(api, working):
    incident = working
    assert timer_service.fire_due_timers() == 0
    warning = db.session.scalar(select(Ticket.sla_warning_at).where(Ticket.number == incident.number))
    clock.advance(warning - clock.now() + timedelta(minutes=1))
    assert timer_service.fire_due_timers() == 1  # the warning: the technician keeps his task
    technician = incident.technician
    assert incident.open_titles() == ["Diagnóstico"] and incident.ticket["incident"]["level"] == "n1"
    assert db.session.scalar(select(Notification.kind).where(Notification.kind == "sla_warning",
                                                             Notification.user_id == user(technician).id))
    assert "sla_warning" in [e["kind"] for e in incident.ticket["timeline"]]
    due = datetime.fromisoformat(incident.ticket["sla_due_at"])
    clock.advance(due - clock.now() + timedelta(minutes=1))
    assert timer_service.fire_due_timers() == 1
    ticket = incident.ticket
    assert ticket["incident"]["level"] == "n2" and ticket["assignee"]["username"] == "redes1"
    [task] = ticket["open_tasks"]
    level_due = datetime.fromisoformat(task["due_at"])
    assert level_due > clock.now()
    clock.advance(level_due - clock.now() + timedelta(minutes=1))
    assert timer_service.fire_due_timers() == 1
    ticket = incident.ticket
    assert ticket["incident"]["level"] == "supervisor" and incident.open_titles() == ["Resolver como supervisor"]
    assert [(e["trigger"], e["actor"]) for e in ticket["incident"]["escalations"]] == [("timer", None)] * 2
    clock.advance(timedelta(days=30))
    assert timer_service.fire_due_timers() == 0  # the supervisor's level has no deadline timer


def test_not_solved_reopens_at_the_same_level(working):
    incident = working
    incident.diagnose()
    incident.resolve()
    incident.confirm(solved=False, comment="Sigue apagándose")
    ticket = incident.ticket
    assert ticket["status"]["code"] == "diagnosing" and incident.open_titles() == ["Diagnóstico"]
    assert "Sigue apagándose" in ticket["open_tasks"][0]["instructions"]
    assert "reopened" in statuses(ticket)
    assert ticket["resolved_at"] is None and ticket["incident"]["resolution"] == ""


def test_unconfirmed_after_three_days_goes_to_reclassification(working):
    incident = working
    incident.diagnose()
    incident.resolve()
    clock.advance(timedelta(days=3, minutes=1))
    assert timer_service.fire_due_timers() == 1
    assert incident.open_titles() == ["Reclasificar y cerrar"]
    incident.reclassify()
    assert incident.status == "closed"


def test_phone_duplicate_is_named_then_added_to_or_confirmed_new(api, register):
    first = register()
    response = register(expect=409, description="Otra vez el celular")
    assert response.json["errors"] == {"duplicate_of": [first.number]}
    assert first.number in response.json["message"]
    added = register(expect=200, add_to=first.number, description="Llamó de nuevo: ahora tampoco carga")
    assert added.number == first.number
    assert any("ahora tampoco carga" in e["message"] and e["public"] for e in first.ticket["timeline"])
    other_device = register(device_serial="990000862471854")
    assert other_device.number != first.number
    confirmed = register(confirm_new=True)
    assert confirmed.number not in (first.number, other_device.number)


def test_openapi_documents_incidents_links_and_merge(api):
    doc = api.get("/openapi.json", None).json
    create = doc["components"]["schemas"]["TicketCreate"]["properties"]
    assert {"kind", "device_serial", "faults", "fault_notes", "confirm_new", "add_to"} <= set(create)
    assert "409" in doc["paths"]["/api/v1/tickets"]["post"]["responses"]
    assert {f"/api/v1/tickets/{{number}}/{p}" for p in ("links", "links/{link_id}", "merge")} <= set(doc["paths"])
    ticket = doc["components"]["schemas"]["Ticket"]["properties"]
    assert {"links", "incident"} <= set(ticket)
