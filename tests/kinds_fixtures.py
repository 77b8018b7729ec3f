"""A second kind of case written to a kinds file of its own, deployed for one test and removed after."""
from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import CaseKind, CaseStatus, Category
from app.services.processes import process_service

TRIAL_KIND = {
    "code": "prueba", "label": "Prueba", "prefix": "P", "process": "queja_reparacion",
    "statuses": [
        {"code": "received", "label": "Recibida", "customer_label": "Recibimos su caso", "public": True,
         "terminal": False},
        {"code": "solved", "label": "Solucionada", "customer_label": "Solucionada", "public": True, "terminal": True},
    ],
    "categories": [
        {"path": ["Servicio de internet", "Conexión", "Sin servicio"], "code": "sin_servicio", "team": "redes",
         "priority": "baja"},
        {"path": ["Pruebas", "Equipo de prueba", "Falla de prueba"], "code": "falla_prueba", "team": "campo",
         "priority": "media"},
    ],
}


def write_kind(directory, data: dict) -> None:
    (directory / "kinds").mkdir(exist_ok=True)
    (directory / "kinds" / f"{data['code']}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def trial_kind(app, tmp_path):
    """Deploys ``TRIAL_KIND`` from its own folder; returns a function that deploys a changed version."""

    def deploy(data: dict = TRIAL_KIND):
        write_kind(tmp_path, data)
        return process_service.deploy_directory(str(tmp_path))

    yield deploy
    db.session.rollback()
    created = [row.id for row in db.session.scalars(select(Category).where(Category.code.in_(
        ["falla_prueba", "pruebas.equipo_de_prueba", "pruebas"])).order_by(Category.level.desc()))]
    for category_id in created:
        db.session.execute(delete(Category).where(Category.id == category_id))
    for leaf in db.session.scalars(select(Category).where(Category.level == 3)):
        leaf.kinds = [k for k in leaf.kinds if k != "prueba"]
        leaf.deployed_kinds = [k for k in leaf.deployed_kinds if k != "prueba"]
    kind = db.session.get(CaseKind, "prueba")
    if kind is not None:
        db.session.delete(kind)
    db.session.commit()


@pytest.fixture
def restore_case_data(app):
    """Kinds, statuses and categories are kept between tests (deploy loads them once): put back any edit."""
    columns = {model: [c.key for c in model.__table__.columns] for model in (CaseKind, CaseStatus, Category)}

    def snapshot():
        return {model: {tuple(getattr(row, k) for k in [c.key for c in model.__table__.primary_key.columns]):
                        {k: copy.deepcopy(getattr(row, k)) for k in keys} for row in db.session.scalars(select(model))}
                for model, keys in columns.items()}

    before = snapshot()
    db.session.commit()
    yield
    db.session.rollback()
    for row in db.session.scalars(select(Category).order_by(Category.level.desc())):
        if (row.id,) not in before[Category]:
            db.session.delete(row)
            db.session.flush()
    for model, rows in before.items():
        for key, values in rows.items():
            row = db.session.get(model, key)
            for name, value in values.items():
                setattr(row, name, value)
    db.session.commit()
