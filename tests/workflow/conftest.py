"""Scenario diagrams from tests/data, deployed next to the real processes."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from app.models import CaseKind
from app.services.cases import ticket_service
from app.services.processes import process_service

DATA = Path(__file__).resolve().parent.parent / "data"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def complaint_process(app):
    """``complaint_process("x")``: complaints start process ``x`` for one test (the kind's row is restored)."""
    original = db.session.get(CaseKind, "complaint").process_id

    def use(process_id: str) -> None:
        db.session.get(CaseKind, "complaint").process_id = process_id
        db.session.commit()

    yield use
    db.session.rollback()
    use(original)


@pytest.fixture
def scenario(app, monkeypatch, complaint_process):
    """Complaints start ``prueba_inicio`` (tests/data/scenario.bpmn); forms come from tests/data/forms."""
    monkeypatch.setitem(app.config, "FORMS_DIR", str(DATA / "forms"))
    process_service.deploy_files({"scenario.bpmn": data_file("scenario.bpmn")})
    complaint_process("prueba_inicio")


def open_ticket(description: str = "Sin servicio desde ayer"):
    return ticket_service.open_complaint(channel="phone", description=description, actor=None,
                                         customer_number="C-1001")
