"""An analyst writes and edits a notice in the browser: Spanish syntax errors at save, a live preview against
a ticket, one version per save; an admin registers webhook endpoints; every staff member reads the guide."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import AuditEvent, NoticeTemplate, WebhookEndpoint
from tests.staff.conftest import open_complaint

NAME = "aviso_de_prueba"


@pytest.fixture(autouse=True)
def _drop_test_notices(app):
    yield
    db.session.rollback()
    db.session.execute(delete(NoticeTemplate).where(NoticeTemplate.name == NAME))
    db.session.commit()


def test_an_analyst_creates_edits_and_previews_a_notice(staff):
    analyst = staff("analista")
    assert "aviso_demora_cliente" in analyst.get("/staff/notices").get_data(True)  # seeded at deploy
    created = analyst.post("/staff/notices", {"name": NAME, "subject": "Hola {{ ticket.customer_name }}",
                                              "body": "Su caso {{ ticket.number }} está {{ status_label }}."})
    assert created.location.endswith(f"/staff/notices/{NAME}")

    page = analyst.get(f"/staff/notices/{NAME}").get_data(True)
    assert "Su caso Q-2026-000001 está En diagnóstico." in page and "Con un ticket de ejemplo" in page

    ticket = open_complaint()
    answer = staff("admin").post("/staff/notices/-/preview", {"subject": "Caso {{ ticket.number }}",
                                                       "body": "Canal {{ ticket.channel }} de {{ data.x or 'nadie' }}",
                                                       "ticket": ticket.number}, expect=200).get_json()
    assert answer == {"subject": f"Caso {ticket.number}", "body": "Canal phone de nadie",
                      "ticket": ticket.number}

    hidden = analyst.post("/staff/notices/-/preview", {"subject": "a", "body": "b", "ticket": ticket.number},
                          expect=404).get_json()
    assert hidden["errors"]["ticket"] == [f"El ticket {ticket.number} no existe."]  # he may not see it

    analyst.post(f"/staff/notices/{NAME}", {"subject": "Hola {{ ticket.customer_name }}", "description": "x",
                                            "body": "Nuevo texto de {{ ticket.number }}."})
    db.session.expire_all()
    row = NoticeTemplate.named(NAME)
    assert (row.version, row.body) == (2, "Nuevo texto de {{ ticket.number }}.")
    assert [v.version for v in row.versions] == [2, 1]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice_saved",
                                                      AuditEvent.target == NAME)) is not None


def test_a_template_that_does_not_compile_is_refused_in_spanish_and_nothing_is_saved(staff):
    analyst = staff("analista")
    analyst.post("/staff/notices", {"name": NAME, "subject": "Aviso", "body": "Texto"})
    refused = analyst.post(f"/staff/notices/{NAME}", {"subject": "Aviso {{ ticket.number",
                                                      "body": "{% if ticket.priority %}alta"}, expect=422)
    page = refused.get_data(True)
    assert "Línea 1: la plantilla termina antes de cerrar un bloque" in page
    assert "Línea 1:" in page and "Aviso {{ ticket.number" in page  # what was typed stays
    db.session.expire_all()
    assert NoticeTemplate.named(NAME).version == 1

    answer = analyst.post("/staff/notices/-/preview", {"subject": "x", "body": "{% bucle %}"}, expect=422).get_json()
    assert answer["errors"]["body"] == ["Línea 1: etiqueta desconocida «bucle» (use if, for, set; ciérrelas con "
                                        "endif, endfor)."]
    assert "Ya existe un aviso llamado" in analyst.post("/staff/notices", {"name": NAME, "subject": "a", "body": "b"},
                                                        expect=422).get_data(True)


def test_only_analysts_see_the_notices(staff):
    staff("agente").get("/staff/notices", expect=403)
    assert staff("agente").post("/staff/notices/-/preview", {"subject": "a", "body": "b"}, expect=403).get_json()


def test_an_admin_registers_a_webhook_and_its_secret_is_never_shown(staff):
    admin = staff("admin")
    refused = admin.post("/staff/admin/webhooks", {"code": "Mal código", "url": "ftp://x", "secret": "corto"},
                         expect=422).get_data(True)
    assert "Una dirección http:// o https://" in refused and "Entre 16 y 200 caracteres." in refused
    admin.post("/staff/admin/webhooks", {"code": "campo", "url": "https://campo.example.com/avisos",
                                         "secret": "un-secreto-largo-1234", "active": "1"})
    admin.post("/staff/admin/webhooks/campo", {"url": "https://campo.example.com/v2", "secret": ""})
    db.session.expire_all()
    row = WebhookEndpoint.of("campo")
    assert (row.url, row.secret, row.active) == ("https://campo.example.com/v2", "un-secreto-largo-1234", False)
    assert "un-secreto-largo-1234" not in admin.get("/staff/admin/webhooks").get_data(True)
    staff("analista").get("/staff/admin/webhooks", expect=403)


def test_every_staff_member_reaches_the_analyst_guide(staff):
    agent = staff("agente")
    assert 'href="/staff/guide"' in agent.get("/staff/tasks").get_data(True)
    page = agent.get("/staff/guide").get_data(True)
    assert "Guía del analista" in page and 'id="lenguaje-de-plantillas"' in page
