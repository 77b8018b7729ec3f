"""Similar resolved incidents: the database's full-text ranking (SQLite FTS5 bm25, PostgreSQL ts_rank with the
Spanish configuration) over description and resolution, only within the category, the right one first."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.errors import NotFound
from app.extensions import db
from app.models import Customer, IncidentDetail, Ticket
from app.services.incidents import similar
from tests.conftest import user

RESOLVED = [
    # number, category, description, resolution, procedure, hours
    ("I-2026-900001", "movil_pantalla", "Se cayó el celular y la pantalla quedó negra, aunque vibra al llamar",
     "Se reemplazó el display dañado por la caída", "1. Respaldo 2. Cambio de display 3. Prueba de imagen", 26),
    ("I-2026-900002", "movil_pantalla", "La pantalla parpadea con rayas verdes al abrir la cámara",
     "Actualización del firmware del controlador de video", "Instalar firmware 4.2 desde el taller", 5),
    ("I-2026-900003", "movil_pantalla", "El táctil no responde en la parte inferior",
     "Calibración del digitalizador táctil", "Menú de servicio, calibrar, reiniciar", 2),
    ("I-2026-900004", "movil_bateria", "Se cayó el celular y la pantalla quedó negra, no carga",
     "Cambio de batería inflada", "Cambiar batería", 3),
    ("I-2026-900005", "movil_pantalla", "Pantalla rota por caída, se ve negra",
     "", "", None),  # still open: never suggested
]


@pytest.fixture
def resolved_set():
    customer = db.session.scalar(select(Customer).where(Customer.number == "C-1001"))
    start = clock.now() - timedelta(days=30)
    for number, category, description, resolution, procedure, hours in RESOLVED:
        ticket = Ticket(kind="incident", number=number, customer=customer, channel="phone", description=description,
                        category=category, status="closed" if resolution else "diagnosing", reported_at=start,
                        resolved_at=start + timedelta(hours=hours) if hours else None)
        ticket.incident = IncidentDetail(device_key="serie:x", faults=[], resolution=resolution, procedure=procedure)
        db.session.add(ticket)
    db.session.commit()


def new_incident(description: str, category: str = "movil_pantalla") -> Ticket:
    customer = db.session.scalar(select(Customer).where(Customer.number == "C-1002"))
    ticket = Ticket(kind="incident", number="I-2026-900100", customer=customer, channel="portal",
                    description=description, category=category, status="diagnosing")
    ticket.incident = IncidentDetail(device_key="serie:y", faults=[])
    db.session.add(ticket)
    db.session.commit()
    return ticket


def test_the_most_similar_resolved_incident_of_the_category_comes_first(resolved_set):
    ticket = new_incident("Mi teléfono se cayó y ahora la pantalla está negra")
    found = similar.similar_resolved(ticket)
    assert [s.number for s in found][0] == "I-2026-900001"
    assert "I-2026-900004" not in [s.number for s in found]  # another category
    assert "I-2026-900005" not in [s.number for s in found]  # not resolved
    best = found[0]
    assert best.resolution == "Se reemplazó el display dañado por la caída" and best.hours_to_resolve == 26


def test_the_resolution_text_counts_too(resolved_set):
    ticket = new_incident("Creo que necesita calibración, el digitalizador falla")
    assert [s.number for s in similar.similar_resolved(ticket)] == ["I-2026-900003"]


def test_nothing_in_common_suggests_nothing(resolved_set):
    assert similar.similar_resolved(new_incident("Zzz qwerty")) == []


def test_apply_this_procedure_copies_it_into_the_work(resolved_set):
    ticket = new_incident("Mi teléfono se cayó y ahora la pantalla está negra")
    detail = similar.apply_procedure(ticket.number, "I-2026-900001", user("supervisor"))
    assert detail.procedure == "1. Respaldo 2. Cambio de display 3. Prueba de imagen"
    assert detail.applied_from_id == db.session.scalar(select(Ticket.id).where(Ticket.number == "I-2026-900001"))
    assert any(e.kind == "procedure_applied" for e in ticket.events)
    with pytest.raises(NotFound):
        similar.apply_procedure(ticket.number, "I-2026-900005", user("supervisor"))
