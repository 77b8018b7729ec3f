"""A fixed data set for the costs, written straight into the tables; every figure is worked out by hand here.

Rates of processes/costs/rates.json: agent 150/h, technician 220/h, supervisor and approver 300/h, a visit
650, at most 240 elapsed minutes charged for a task without entered time.

- A, complaint "sin_servicio", team soporte_n1, closed 10/11/2026:
  agent's registration, never claimed, ready 10:00 → done 10:20: 20 min × 150/h = 50.00;
  technician's diagnosis, ready 09:00, claimed 11:00 → done 11:45: 45 min × 220/h = 165.00;
  technician's on-site visit, ready 09:00 → done the next day 09:00: 1440 min, capped at 240 → 880.00;
  one visit done (650.00), one cancelled (0). Total 1,745.00.
- B, complaint "lentitud", team soporte_n1, closed 20/11/2026:
  technician's remote intervention, claimed 10:05 → done 13:05 (180 min) but 30 minutes entered: 30 × 220/h =
  110.00; the customer's confirmation (done by the supervisor on the phone) and a cancelled task cost
  nothing. Total 110.00.
- C, claim "facturacion", team redes, closed 25/11/2026:
  approver's decision, ready 09:00 → done 09:30: 30 × 300/h = 150.00; lines: one approved at 125.50, one
  rejected (300), one approved at 80 whose change to 90 is pending → credits 205.50. Total 355.50.
- D, closed 02/12/2026 (outside November) and E, still open: never in November's figures.

November: 3 tickets, 365 minutes, work 1,355.00, 1 visit 650.00, credits 205.50, total 2,210.50.
"""
from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Claim,
    ClaimLine,
    ClaimLineVersion,
    HumanTask,
    ProcessVersion,
    Team,
    Ticket,
    Visit,
    WorkflowInstance,
)
from tests.conftest import user
from tests.services.control.review_data import closed_ticket, local

_tasks = itertools.count(1)
_instances: dict[int, int] = {}  # ticket id → its instance


def build() -> dict[str, Ticket]:
    a = _ticket("Sin internet", local(2026, 11, 10, 18), "sin_servicio", "soporte_n1")
    _task(a, "Registrar", "Contact center", "agente", local(2026, 11, 10, 10), local(2026, 11, 10, 10, 20))
    _task(a, "Diagnóstico", "Técnico", "tecnico1", local(2026, 11, 10, 9), local(2026, 11, 10, 11, 45),
          claimed=local(2026, 11, 10, 11))
    _task(a, "Visita in situ", "Técnico", "campo1", local(2026, 11, 10, 9), local(2026, 11, 11, 9))
    db.session.add_all([Visit(ticket_id=a.id, team_code="campo", status="done"),
                        Visit(ticket_id=a.id, team_code="campo", status="cancelled")])

    b = _ticket("Internet lento", local(2026, 11, 20, 18), "lentitud", "soporte_n1")
    _task(b, "Intervención remota", "Técnico", "tecnico1", local(2026, 11, 20, 10), local(2026, 11, 20, 13, 5),
          claimed=local(2026, 11, 20, 10, 5), data={"actions_remote": "Reinicio", "time_spent_minutes": 30})
    _task(b, "Confirmar resolución", "Cliente", "supervisor", local(2026, 11, 20, 13, 5), local(2026, 11, 20, 15))
    _task(b, "Pruebas", "Técnico", None, local(2026, 11, 20, 13), None, status="cancelled")

    c = _ticket("Cobro doble", local(2026, 11, 25, 18), "facturacion", "redes", kind="claim")
    _task(c, "Aprobar línea", "Aprobador", "aprobador", local(2026, 11, 25, 9), local(2026, 11, 25, 9, 30))
    claim = Claim(ticket_id=c.id, reason_code="cobro_indebido", origin="manual")
    db.session.add(claim)
    _line(claim, 1, [("approved", "125.50")], effective=1)
    _line(claim, 2, [("rejected", "300.00")], effective=None, status="rejected")
    _line(claim, 3, [("approved", "80.00"), ("pending", "90.00")], effective=1, status="pending")

    d = _ticket("Fuera del periodo", local(2026, 12, 2, 10), "sin_servicio", "soporte_n1")
    _task(d, "Diagnóstico", "Técnico", "tecnico1", local(2026, 12, 2, 9), local(2026, 12, 2, 9, 50))
    e = _ticket("Abierto", local(2026, 11, 15, 10), "sin_servicio", "soporte_n1")
    e.closed_at = None
    _task(e, "Diagnóstico", "Técnico", "tecnico1", local(2026, 11, 15, 9), local(2026, 11, 15, 9, 50))
    db.session.commit()
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def _ticket(description, closed, category, team, kind="complaint") -> Ticket:
    ticket = closed_ticket(description, closed, category=category, kind=kind,
                           team_id=db.session.scalar(select(Team.id).where(Team.code == team)))
    version = db.session.scalar(select(ProcessVersion).order_by(ProcessVersion.id).limit(1))
    instance = WorkflowInstance(ticket_id=ticket.id, process_version_id=version.id, status="completed")
    db.session.add(instance)
    db.session.flush()
    _instances[ticket.id] = instance.id
    return ticket


def _task(ticket, title, lane, who, ready, done, *, claimed=None, data=None, status="completed") -> None:
    db.session.add(HumanTask(
        id=str(uuid.uuid4()), instance_id=_instances[ticket.id], ticket_id=ticket.id, process_id="p",
        task_name=f"t{next(_tasks)}", title=title, lane=lane, status=status,
        completed_by_id=user(who).id if who else None, created_at=ready, claimed_at=claimed, completed_at=done,
        data=data or {}))


def _line(claim, position, versions, *, effective, status="approved") -> None:
    line = ClaimLine(claim_id=claim.ticket_id, position=position, concept=f"Línea {position}",
                     amount=Decimal(versions[-1][1]), reason_code="cobro_indebido", status=status,
                     edited=len(versions) > 1)
    db.session.add(line)
    db.session.flush()
    for number, (decision, amount) in enumerate(versions, start=1):
        version = ClaimLineVersion(line_id=line.id, number=number, concept=line.concept, quantity=Decimal(1),
                                   amount=Decimal(amount), reason_code="cobro_indebido", decision=decision,
                                   submitted_at=local(2026, 11, 24, 12))
        db.session.add(version)
        db.session.flush()
        if number == effective:
            line.effective_version_id = version.id
