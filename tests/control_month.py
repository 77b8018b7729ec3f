"""A fixed month for the control figures (November 2026, office time), worked out by hand; its fixture
``november`` is loaded for every test by ``pytest_plugins`` in tests/conftest.py.

The calendar is ``horario_comercial``: Monday to Friday 9–18, Saturday 9–14, closed on Sunday and on
official holidays (Monday 16 November 2026, Revolution Day). Business times go through the real SLA clock
(``ticket_clock``: targets, pauses while waiting on the customer, response, resolution, close). "Now" is
Monday 30 November 2026, 12:00.

T1 complaint, alta, phone, soporte_n1, reported Fri 13 17:00. Response Sat 09:30: 1 h + 0.5 h = 1.5 h (due
   Sat 10:00, met). Resolved Tue 17 10:00 (Sunday closed, Monday 16 a holiday): 1 + 5 + 1 = 7 h (due Tue 11:00,
   met).
T2 complaint, media, portal, soporte_n1, reported Tue 3 10:00. Response 11:00: 1 h (due 14:00, met). Waits on
   the customer Tue 12:00 → Wed 11:00 (6 + 2 = 8 h). Resolved Thu 5 17:00: 8 + 9 + 8 − 8 = 17 h (due Thu 16:00
   once the pause pushed it, breached). Reopened once.
T3 incident, alta, phone, redes, reported Sat 7 13:00. Response Mon 9 11:00: 1 + 2 = 3 h (due Mon 10:00,
   breached). Resolved Mon 9 15:00: 1 + 6 = 7 h (due Mon 16:00, met). Reached level 2.
T4 incident, media, email, campo, reported Wed 18 09:00. Response 09:30: 0.5 h (met). Still open; resolution due
   Thu 19 16:00, so breached now. At the supervisor.
T5 claim, baja, portal, no team, reported Fri 20 10:00: no targets, open.
T6 follow-up, alta, phone, gestion_clientes, reported Mon 23 16:00, escalated. Response Tue 24 10:00: 2 + 1 = 3 h
   (due Mon 18:00, breached). Closed Tue 12:00 with no "resolved" step: 2 + 3 = 5 h (due Tue 15:00, met).
T7 incident of Fri 30 October: outside the period (closed).
T8 complaint, social, Wed 25 10:00: rejected unclassified. T9 complaint, email, Sun 29 20:00: open, received.

Surveys: T1 5 "Excelente", T2 2 "Tardaron mucho", T3 4; T6 closed without one.
Customers: A (hogar, Norte, residencial; T1 T2 T4 T7 T8 T9), B (negocio, Sur, pyme; since 15 Nov; T3 T6),
C (hogar, Norte, residencial; T5), D (no service), E (hogar, Sur; registered in December).
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.businesstime import ticket_clock
from app.extensions import db
from app.models import Customer, IncidentDetail, Team, Ticket
from app.services.control.filters import ControlFilter
from tests.conftest import user

LOCAL = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=LOCAL)
NOVEMBER = ControlFilter(start=date(2026, 11, 1), end=date(2026, 11, 30))
TARGETS = {"alta": ticket_clock.Targets(2, 8, "horario_comercial", 0.75),
           "media": ticket_clock.Targets(4, 16, "horario_comercial", 0.75)}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL)


def _customer(number: str, line, zone, segment, created: datetime) -> Customer:
    row = Customer(number=number, name=number, service_line=line, zone=zone, segment=segment, created_at=created)
    db.session.add(row)
    return row


def _ticket(number, kind, customer, priority, channel, team, category, reported, *, status="closed",
            responded=None, pause=None, resolved=None, closed=None, score=None, comment=None, level=None,
            escalated=False, reopened=0, assignee=None) -> Ticket:
    ticket = Ticket(number=number, kind=kind, customer=customer, priority=priority, channel=channel,
                    description=number, category=category, reported_at=reported, status=status,
                    team=db.session.scalar(select(Team).where(Team.code == team)) if team else None,
                    assignee=user(assignee) if assignee else None, reopen_count=reopened,
                    escalated_at=reported if escalated else None, survey_score=score, survey_comment=comment)
    if priority in TARGETS:
        ticket_clock.apply_targets(ticket, TARGETS[priority])
    if responded:
        ticket_clock.record_response(ticket, responded)
    if pause:
        ticket_clock.pause(ticket, pause[0])
        ticket_clock.resume(ticket, pause[1])
    if resolved:
        ticket_clock.record_resolution(ticket, resolved)
    if closed:
        ticket.closed_at = closed
        ticket_clock.on_status_change(ticket, "resolved" if resolved else "answered", "closed", closed)
    if level:
        ticket.incident = IncidentDetail(level=level)
    db.session.add(ticket)
    return ticket


@pytest.fixture
def november(app):
    a = _customer("CF-A", "hogar", "Norte", "residencial", at(1, 9, month=10))
    b = _customer("CF-B", "negocio", "Sur", "pyme", at(15, 9))
    c = _customer("CF-C", "hogar", "Norte", "residencial", at(1, 9, month=10))
    _customer("CF-D", None, "Norte", "residencial", at(1, 9, month=10))
    _customer("CF-E", "hogar", "Sur", "residencial", at(10, 9, month=12))
    _ticket("T1", "complaint", a, "alta", "phone", "soporte_n1", "sin_servicio", at(13, 17), responded=at(14, 9, 30),
            resolved=at(17, 10), closed=at(17, 10), score=5, comment="Excelente", assignee="tecnico1")
    _ticket("T2", "complaint", a, "media", "portal", "soporte_n1", "lentitud", at(3, 10), responded=at(3, 11),
            pause=(at(3, 12), at(4, 11)), resolved=at(5, 17), closed=at(5, 17), score=2, comment="Tardaron mucho",
            reopened=1)
    _ticket("T3", "incident", b, "alta", "phone", "redes", "movil_senal", at(7, 13), responded=at(9, 11),
            resolved=at(9, 15), closed=at(9, 15), score=4, level="n2")
    _ticket("T4", "incident", a, "media", "email", "campo", "equipo", at(18, 9), status="diagnosing",
            responded=at(18, 9, 30), level="supervisor")
    _ticket("T5", "claim", c, "baja", "portal", None, None, at(20, 10), status="in_approval")
    _ticket("T6", "followup", b, "alta", "phone", "gestion_clientes", "insistencia_fuera_plazo", at(23, 16),
            responded=at(24, 10), closed=at(24, 12), escalated=True)
    _ticket("T7", "incident", a, "media", "phone", "campo", "equipo", at(30, 10, month=10),
            responded=at(30, 11, month=10), resolved=at(30, 15, month=10), closed=at(30, 15, month=10), level="n1")
    _ticket("T8", "complaint", a, None, "social", None, None, at(25, 10), status="rejected")
    _ticket("T9", "complaint", a, None, "email", None, None, at(29, 20), status="received")
    db.session.commit()
