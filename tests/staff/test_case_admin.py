"""An admin edits the category tree and each kind's statuses in the browser; nobody else may."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CaseKind, CaseStatus, Category, OutboxMessage, TicketEvent
from app.services.cases import customer_timeline, kinds
from tests.staff.conftest import open_complaint, ready_task


@pytest.fixture(autouse=True)
def _put_the_case_data_back(restore_case_data):
    yield


def created_id(response) -> int:
    return int(response.location.rstrip("/").rsplit("/", 1)[-1])


def test_an_admin_builds_a_branch_of_three_levels_and_the_form_offers_its_leaf(staff):
    admin = staff("admin")
    tree = admin.get("/staff/admin/categories").get_data(True)
    assert "Árbol de categorías" in tree and "Lentitud en la conexión" in tree and "<code>lentitud</code>" in tree
    level1 = created_id(admin.post("/staff/admin/categories", {"label": "Telefonía"}))
    level2 = created_id(admin.post("/staff/admin/categories", {"label": "Línea fija", "parent_id": level1}))
    leaf = created_id(admin.post("/staff/admin/categories", {"label": "Sin tono", "code": "sin_tono",
                                                             "parent_id": level2}))
    page = admin.get(f"/staff/admin/categories/{leaf}").get_data(True)
    assert "Categoría Sin tono creada." in page and "Telefonía" in page and "Nivel 3" in page
    admin.post(f"/staff/admin/categories/{leaf}", {"label": "Sin tono de marcado", "active": "1",
                                                   "kinds": ["complaint"], "team": "campo", "priority": "alta"})
    node = Category.leaf("sin_tono")
    assert (node.label, node.kinds, node.default_team.code, node.default_priority, node.path) == (
        "Sin tono de marcado", ["complaint"], "campo", "alta", ["Telefonía", "Línea fija", "Sin tono de marcado"])

    agent = staff("agente")
    task = ready_task(open_complaint(), "validar_reporte")
    form = agent.get(f"/staff/tasks/{task.id}").get_data(True)
    assert '<option value="sin_tono"' in form and "Sin tono de marcado" in form
    branch = form.split('<optgroup label="Telefonía › Línea fija">', 1)[1].split("</optgroup>", 1)[0]
    assert 'value="sin_tono"' in branch and 'value="lentitud"' not in branch


def test_deactivating_renaming_and_refusing_bad_input(staff):
    admin = staff("admin")
    leaf = Category.leaf("instalacion")
    admin.post(f"/staff/admin/categories/{leaf.id}", {"label": "Instalación nueva", "kinds": ["complaint"],
                                                       "team": "campo", "priority": "media"})  # no "active"
    db.session.expire_all()
    assert not Category.leaf("instalacion").active and Category.leaf("instalacion").label == "Instalación nueva"
    assert "instalacion" not in kinds_form_choices(staff)

    level2 = leaf.parent
    refused = admin.post("/staff/admin/categories", {"label": "Otra hoja", "code": "Con Espacios",
                                                     "parent_id": level2.id}, expect=422).get_data(True)
    assert "Hasta 40 minúsculas sin acentos" in refused and 'value="Otra hoja"' in refused
    taken = admin.post("/staff/admin/categories", {"label": "Otra", "code": "lentitud", "parent_id": level2.id},
                       expect=422).get_data(True)
    assert "Otra categoría ya tiene este código." in taken
    bad = admin.post(f"/staff/admin/categories/{leaf.id}", {"label": "", "priority": "urgente", "team": "x"},
                     expect=422).get_data(True)
    assert "Este campo es obligatorio." in bad and bad.count("Valor no permitido.") == 2
    level4 = admin.post("/staff/admin/categories", {"label": "Nivel 4", "code": "n4", "parent_id": leaf.id},
                        expect=422).get_data(True)
    assert "Una categoría de nivel 3 no tiene subcategorías." in level4
    assert db.session.scalar(select(Category).where(Category.code == "n4")) is None


def kinds_form_choices(staff) -> str:
    task = ready_task(open_complaint(), "validar_reporte")
    return staff("agente").get(f"/staff/tasks/{task.id}").get_data(True)


def test_an_admin_rewords_a_status_and_tells_the_customer_about_it(staff):
    admin = staff("admin")
    listing = admin.get("/staff/admin/kinds").get_data(True)
    assert "Queja" in listing and "queja_reparacion" in listing
    page = admin.get("/staff/admin/kinds/complaint").get_data(True)
    assert "Pruebas de funcionamiento" in page and "Lo ve el cliente" in page and "Correo al cliente" in page
    admin.post("/staff/admin/kinds/complaint/statuses/received", {"label": "Registrada",
                                                                   "customer_label": "Recibimos su queja"})
    admin.post("/staff/admin/kinds/complaint/statuses/testing", {"label": "En pruebas", "public": "1",
                                                                  "notify_customer": "1",
                                                                  "customer_label": "Probando su servicio"})
    db.session.expire_all()
    received = CaseStatus.of("complaint", "received")
    assert (received.label, received.customer_label, received.public) == ("Registrada", "Recibimos su queja", False)
    testing = kinds.status("complaint", "testing")
    assert (testing.label, testing.public) == ("En pruebas", True)

    ticket = open_complaint()
    assert ticket.status_label == "Registrada" and ticket.customer_status_label == "Recibimos su queja"
    from handlers.tickets import change_status
    change_status(ticket, "testing")
    db.session.commit()
    line = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "status_changed"))
    assert line.public and line.message == "Estado: Registrada → En pruebas."  # staff read their wording
    customer_line = customer_timeline.lines(ticket, [line], {})[0]
    assert customer_line.title == "Probando su servicio"  # the customer reads hers
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                         OutboxMessage.subject.contains("Probando su servicio")))
    assert mail is not None

    refused = admin.post("/staff/admin/kinds/complaint/statuses/closed", {"label": " ", "customer_label": "x"},
                         expect=422).get_data(True)
    assert "Este campo es obligatorio." in refused
    assert CaseStatus.of("complaint", "closed").label == "Cerrada"


def test_a_status_the_customer_sees_but_is_not_mailed_about_gets_a_public_line_and_no_mail(staff):
    admin = staff("admin")
    admin.post("/staff/admin/kinds/complaint/statuses/diagnosing", {"label": "En diagnóstico", "public": "1",
                                                                     "customer_label": "En diagnóstico"})
    db.session.expire_all()
    row = CaseStatus.of("complaint", "diagnosing")
    assert (row.public, row.notify_customer) == (True, False)
    ticket = open_complaint()
    db.session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.ticket_id == ticket.id))
    from handlers.tickets import change_status
    change_status(ticket, "diagnosing", "Revisamos su módem.")
    db.session.commit()
    line = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "status_changed"))
    assert line.public and "Revisamos su módem." in line.message
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)) is None

    admin.post("/staff/admin/kinds/complaint/statuses/diagnosing", {"label": "En diagnóstico", "public": "1",
                                                                     "notify_customer": "1",
                                                                     "customer_label": "En diagnóstico"})
    change_status(ticket, "waiting_customer")
    change_status(ticket, "diagnosing")
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)) is not None


def test_a_kind_file_may_keep_a_public_status_out_of_the_customer_mail(trial_kind):
    from tests.kinds_fixtures import TRIAL_KIND

    data = {**TRIAL_KIND, "statuses": [dict(s) for s in TRIAL_KIND["statuses"]]}
    data["statuses"][0]["notify_customer"] = False
    trial_kind(data)
    first, *rest = db.session.get(CaseKind, "prueba").statuses
    assert first.public is True and first.notify_customer is False
    assert all(s.notify_customer == s.public for s in rest)


@pytest.mark.parametrize("path", ["/staff/admin/categories", "/staff/admin/kinds", "/staff/admin/kinds/complaint"])
def test_only_an_admin_sees_the_case_administration(staff, path):
    page = staff("supervisor").get(path, expect=403).get_data(True)
    assert "Solo un administrador gestiona los tipos de caso y las categorías." in page
    leaf = Category.leaf("otro")
    staff("supervisor").post(f"/staff/admin/categories/{leaf.id}", {"label": "Hackeado"})
    db.session.expire_all()
    assert Category.leaf("otro").label == "Otro"
