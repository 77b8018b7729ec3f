"""Kinds of case as data: what deploy loads from processes/kinds/, and opening a case of any kind."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import CaseKind, CaseStatus, Category, Ticket
from app.services.cases import categories, kinds, ticket_service
from app.workflow.deploy import DeployErrors
from handlers.registry import HandlerContext
from handlers.tickets import change_status, find_duplicates
from tests.kinds_fixtures import TRIAL_KIND, write_kind


def test_the_complaint_kind_comes_from_its_file():
    kind = kinds.get_kind("complaint")
    assert (kind.label, kind.prefix, kind.process_id, kind.active) == ("Queja", "Q", "queja_reparacion", True)
    codes = [s.code for s in kinds.statuses("complaint")]
    assert codes[:3] == ["received", "rejected", "open"] and codes[-1] == "closed"
    testing = kinds.status(kind, "testing")
    assert not testing.public and testing.label == "Pruebas de funcionamiento"
    assert "closed" not in kinds.open_status_codes("complaint") and "testing" in kinds.open_status_codes()


def test_the_seven_natures_are_leaves_of_a_three_level_tree():
    leaves = categories.leaves("complaint")
    assert [leaf.code for leaf in leaves] == ["sin_servicio", "lentitud", "intermitencia", "equipo", "instalacion",
                                              "facturacion", "otro"]
    no_service = leaves[0]
    assert no_service.path == ["Servicio de internet", "Conexión", "Sin servicio"]
    assert (no_service.default_team.code, no_service.default_priority) == ("campo", "alta")
    assert no_service.parent.parent.level == 1 and "complaint" in no_service.kinds  # incidents share it


def test_a_case_of_another_kind_takes_its_prefix_and_statuses(trial_kind):
    trial_kind()
    ticket = ticket_service.open_case(kind="prueba", channel="phone", description="Prueba de otro tipo",
                                      actor=None, customer_number="C-1001", category="falla_prueba")
    assert ticket.number.startswith("P-") and ticket.kind == "prueba"
    assert ticket.status_label == "Recibida" and ticket.customer_status_label == "Recibimos su caso"
    opened = db.session.scalar(select(Ticket.id).where(Ticket.id == ticket.id))
    assert opened == ticket.id
    assert ticket.events[0].message == "Prueba recibida por teléfono."
    with pytest.raises(ValueError, match="no status 'diagnosing'"):
        change_status(ticket, "diagnosing")  # a complaint's status, not one of this kind's


def test_a_leaf_named_by_two_kinds_lists_both_and_keeps_the_first_defaults(trial_kind):
    trial_kind()
    leaf = Category.leaf("sin_servicio")
    assert leaf.kinds[0] == "complaint" and "prueba" in leaf.kinds  # incidents name it too
    assert (leaf.default_team.code, leaf.default_priority) == ("campo", "alta")
    assert "falla_prueba" not in categories.leaf_choices("complaint")
    assert Category.leaf("falla_prueba").path == ["Pruebas", "Equipo de prueba", "Falla de prueba"]


def test_unknown_or_inactive_kinds_and_foreign_categories_are_refused(trial_kind):
    trial_kind()
    arguments = {"channel": "phone", "description": "Algo", "actor": None, "customer_number": "C-1001"}
    with pytest.raises(ValidationFailed) as unknown:
        ticket_service.open_case(kind="reparto", **arguments)
    assert unknown.value.errors == {"kind": ["No existe el tipo de caso reparto."]}
    with pytest.raises(ValidationFailed) as foreign:
        ticket_service.open_case(kind="complaint", category="falla_prueba", **arguments)
    assert list(foreign.value.errors) == ["category"]
    db.session.get(CaseKind, "prueba").active = False
    db.session.commit()
    with pytest.raises(ValidationFailed):
        ticket_service.open_case(kind="prueba", **arguments)
    assert db.session.scalar(select(Ticket.id)) is None


def test_redeploy_adds_what_is_missing_and_keeps_admin_edits(trial_kind):
    trial_kind()
    status = CaseStatus.of("prueba", "received")
    status.label, status.public = "Registrada", False
    kind = db.session.get(CaseKind, "prueba")
    kind.label = "Caso de prueba"
    leaf = Category.leaf("falla_prueba")
    leaf.label, leaf.kinds = "Falla (renombrada)", []
    db.session.commit()

    changed = copy.deepcopy(TRIAL_KIND)
    changed["label"] = "Otro nombre"
    changed["process"] = "queja_reparacion"
    changed["statuses"].insert(1, {"code": "waiting", "label": "En espera", "public": False, "terminal": False})
    changed["statuses"][0]["label"] = "Recibida (archivo)"
    trial_kind(changed)

    status = CaseStatus.of("prueba", "received")
    assert (status.label, status.public) == ("Registrada", False)
    assert db.session.get(CaseKind, "prueba").label == "Caso de prueba"
    waiting = CaseStatus.of("prueba", "waiting")
    assert waiting.customer_label == "En espera" and waiting.position == 2  # added after the existing ones
    leaf = Category.leaf("falla_prueba")
    assert (leaf.label, leaf.kinds) == ("Falla (renombrada)", [])  # the admin took the kind away: it stays away


@pytest.mark.parametrize(("change", "message"), [
    ({"prefix": "Q"}, "El prefijo Q ya lo usa"),
    ({"process": "no_existe"}, "El proceso no_existe no está desplegado."),
    ({"statuses": []}, "statuses"),
    ({"code": "otra"}, "El archivo debe llamarse como su código (otra.json)."),
])
def test_a_bad_kind_file_is_refused_and_changes_nothing(trial_kind, tmp_path, change, message):
    data = {**TRIAL_KIND, **change}
    write_kind(tmp_path, data)
    if data["code"] != "prueba":
        (tmp_path / "kinds" / "otra.json").rename(tmp_path / "kinds" / "prueba.json")
    with pytest.raises(DeployErrors) as refused:
        trial_kind(data) if data["code"] == "prueba" else kinds.read_kind_files(tmp_path)
    assert message in str(refused.value)
    assert db.session.get(CaseKind, "prueba") is None and Category.leaf("falla_prueba") is None


def test_a_case_is_open_by_its_own_kinds_statuses(trial_kind):
    data = copy.deepcopy(TRIAL_KIND)
    data["statuses"][0]["terminal"] = True  # "received" ends a trial case, while a complaint goes on from it
    trial_kind(data)
    arguments = {"channel": "phone", "description": "Algo", "actor": None, "customer_number": "C-1001"}
    finished = ticket_service.open_case(kind="prueba", **arguments)
    complaint = ticket_service.open_case(kind="complaint", **arguments)
    other = ticket_service.open_case(kind="complaint", **arguments)
    found = find_duplicates(HandlerContext(ticket=other, process_id="queja_reparacion"))
    assert [t["number"] for t in found["open_tickets"]] == [complaint.number]
    assert finished.number.startswith("P-")
