"""Notices seeded from processes/notices/*.json at deploy: missing ones are added, an analyst's edit is never
overwritten, a file whose template does not compile stops the deploy naming the file."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import delete

from app.errors import DeployError
from app.extensions import db
from app.models import NoticeTemplate
from app.services.processes import notices, process_service
from tests.conftest import user

NAMES = ["aviso_semilla"]


@pytest.fixture(autouse=True)
def _drop_seeded(app):
    yield
    db.session.rollback()
    db.session.execute(delete(NoticeTemplate).where(NoticeTemplate.name.in_(NAMES)))
    db.session.commit()


def _write(directory, name: str, data: dict) -> None:
    (directory / "notices").mkdir(exist_ok=True)
    (directory / "notices" / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


def test_a_seed_adds_what_is_missing_and_keeps_an_analyst_s_edit(app, tmp_path):
    _write(tmp_path, "aviso_semilla", {"subject": "Del archivo", "body": "Texto del archivo"})
    process_service.deploy_directory(str(tmp_path))
    row = NoticeTemplate.named("aviso_semilla")
    assert (row.subject, row.version, row.versions[0].created_by_id) == ("Del archivo", 1, None)

    notices.save_template("aviso_semilla", notices.NoticeText("Editado", "Texto editado"), user("analista"))
    _write(tmp_path, "aviso_semilla", {"subject": "Otra vez del archivo", "body": "Otro texto"})
    process_service.deploy_directory(str(tmp_path))
    db.session.expire_all()
    row = NoticeTemplate.named("aviso_semilla")
    assert (row.subject, row.body, row.version) == ("Editado", "Texto editado", 2)


def test_a_seed_that_does_not_compile_stops_the_deploy_and_names_the_file(app, tmp_path):
    _write(tmp_path, "aviso_semilla", {"subject": "Bien", "body": "{% for x in data %}sin cerrar"})
    with pytest.raises(DeployError) as refused:
        process_service.deploy_directory(str(tmp_path))
    assert "notices/aviso_semilla.json" in str(refused.value)
    assert "la plantilla termina antes de cerrar un bloque" in str(refused.value)
    db.session.rollback()
    assert NoticeTemplate.named("aviso_semilla") is None
