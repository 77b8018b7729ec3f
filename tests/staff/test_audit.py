"""The audit trail (issue 9, item 11): claims, releases, reassignments, retries, deploys, admin changes and
staff sign-ins are recorded with who, when and what changed; admins read it filtered and paginated, and
export it as CSV; nobody else may."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import AuditEvent, Team, User
from app.services import demo_service
from app.services.accounts import admin_service
from app.services.cases import task_service, workflow_service
from app.services.control import audit_service
from app.services.processes import process_service
from handlers.registry import SERVICE_TASKS
from tests.conftest import user
from tests.staff.conftest import Staff, open_complaint, ready_task, validate

PASSWORD = "clave-segura-123"


@pytest.fixture(autouse=True)
def _forget_what_the_test_created():
    yield
    db.session.rollback()
    db.session.execute(delete(User).where(User.username.not_in([u for u, *_r in demo_service.STAFF])))
    db.session.execute(delete(Team).where(Team.code.not_in([c for c, _n in demo_service.TEAMS])))
    db.session.commit()


def trail(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    return list(db.session.scalars(query.where(AuditEvent.action == action) if action else query))


def test_claim_release_and_reassign_say_who_and_what_changed():
    ticket = open_complaint()
    validate(ticket)
    task = ready_task(ticket, "diagnostico")
    task_service.release(task.id, user("supervisor"))  # the assignment DMN gave it to a technician
    task_service.claim(task.id, user("tecnico2"))
    task_service.reassign(task.id, "tecnico1", user("supervisor"))
    (released,) = trail("task_released")
    assert released.actor_name == "supervisor" and released.target == f"{ticket.number} · Diagnóstico"
    (claimed,) = trail("task_claimed")
    assert claimed.actor_id == user("tecnico2").id
    (reassigned,) = trail("task_reassigned")
    assert reassigned.actor_name == "supervisor" and reassigned.changes == {"assignee": ["tecnico2", "tecnico1"]}
    assert reassigned.at is not None


def test_a_refused_action_leaves_no_trail():
    ticket = open_complaint()
    validate(ticket)
    task = ready_task(ticket, "diagnostico")
    with pytest.raises(Exception):  # noqa: B017 - Forbidden: a technician may not reassign
        task_service.reassign(task.id, "tecnico1", user("tecnico2"))
    assert trail("task_reassigned") == []


def test_a_retry_of_a_failed_step_names_the_step(monkeypatch):
    record = SERVICE_TASKS["crm.record_interaction"]
    down = {"yes": True}

    def flaky(ctx, **params):
        if down["yes"]:
            raise ConnectionError("CRM caído")
        return record(ctx, **params)

    monkeypatch.setitem(SERVICE_TASKS, "crm.record_interaction", flaky)
    ticket = open_complaint()
    validate(ticket)
    (failed,) = workflow_service.failed_instances(user("supervisor"))
    down["yes"] = False
    workflow_service.retry(failed.id, user("supervisor"))
    (retried,) = trail("workflow_retried")
    assert retried.actor_name == "supervisor" and retried.target.startswith(ticket.number)
    assert retried.changes == {"step": "crm_registrar", "status": ["error", "completed"]}


def test_a_deploy_says_who_deployed_which_version(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORMS_DIR", app.root_path + "/../tests/data/forms")
    with open(app.root_path + "/../tests/data/scenario.bpmn", encoding="utf-8") as source:
        text = source.read().replace('id="prueba_inicio"', 'id="prueba_inicio_auditada"')
    results = process_service.deploy_uploaded({"auditada.bpmn": text.encode()}, user("analista"))
    deployed = trail("process_deployed")
    assert [e.target for e in deployed] == [f"{r.process_id} v{r.version}" for r in results if r.created]
    assert {e.actor_name for e in deployed} == {"analista"}
    assert deployed[0].changes["file"] == "auditada.bpmn" and len(deployed[0].changes["sha256"]) == 64
    process_service.deploy_uploaded({"auditada.bpmn": text.encode()}, user("analista"))  # unchanged: no version
    assert len(trail("process_deployed")) == len(deployed)


def test_admin_changes_record_before_and_after_never_the_password():
    admin = user("admin")
    new = admin_service.create_user(admin_service.NewUser(
        username="auditado", full_name="Aurelio Auditado", email="a@net1.mx", roles=["technician"],
        teams=["campo"], password=PASSWORD, password_confirm=PASSWORD), admin)
    admin_service.update_user(new.id, admin_service.UserDetails(
        full_name="Aurelio Auditado", email="a@net1.mx", roles=["technician", "supervisor"], teams=["redes"],
        active=False), admin)
    admin_service.reset_password(new.id, PASSWORD + "x", PASSWORD + "x", admin)
    team = admin_service.create_team("auditoria", "Auditoría", admin)
    admin_service.rename_team(team.id, "Auditoría interna", admin)
    admin_service.add_member(team.id, "tecnico1", admin)
    admin_service.remove_member(team.id, user("tecnico1").id, admin)

    assert [(e.action, e.target) for e in trail()] == [
        ("user_created", "auditado"), ("user_changed", "auditado"), ("password_reset", "auditado"),
        ("team_created", "auditoria"), ("team_renamed", "auditoria"), ("team_member_added", "auditoria"),
        ("team_member_removed", "auditoria")]
    assert all(e.actor_name == "admin" for e in trail())
    changed = trail("user_changed")[0].changes
    assert changed == {"roles": [["technician"], ["technician", "supervisor"]], "teams": [["campo"], ["redes"]],
                       "active": [True, False]}
    assert PASSWORD not in str([e.changes for e in trail()])
    assert trail("team_renamed")[0].changes == {"name": ["Auditoría", "Auditoría interna"]}


def test_staff_sign_ins_are_recorded_success_and_failure(app, client):
    Staff(app).login("agente", "mala")
    Staff(app).login("nadie.existe", "mala")
    Staff(app).login("agente")
    client.post("/api/v1/auth/token", json={"username": "agente", "password": "mala"})
    assert [(e.action, e.actor_name, e.changes["channel"]) for e in trail()] == [
        ("login_failed", "agente", "web"), ("login_failed", "nadie.existe", "web"), ("login", "agente", "web"),
        ("login_failed", "agente", "api")]
    assert trail("login")[0].actor_id == user("agente").id and trail("login")[0].remote_addr == "127.0.0.1"


def test_the_admin_page_filters_pages_and_exports(app, staff):
    for n in range(audit_service.PAGE_SIZE + 5):
        audit_service.record_now("team_renamed", user("admin"), f"equipo{n}", {"name": ["a", "b"]})
    clock.advance(timedelta(days=3))
    admin = staff("admin")  # its sign-in is on the trail too
    page = admin.get("/staff/admin/audit").get_data(True)
    assert "Bitácora de auditoría" in page and "Página 1 de 2" in page
    assert "Inicio de sesión" in page and "name: a → b" in page
    second = admin.get("/staff/admin/audit", query_string={"page": 2}).get_data(True)
    assert "equipo0<" in second and "equipo54<" not in second  # newest first
    only = admin.get("/staff/admin/audit", query_string={"action": "login", "actor": "admin"}).get_data(True)
    assert "equipo0<" not in only and "1 evento" in only
    today = clock.office_today().isoformat()
    dated = admin.get("/staff/admin/audit", query_string={"date_from": today}).get_data(True)
    assert "equipo0<" not in dated
    for edge in ("0001-01-01", "9999-12-31", "nunca"):
        admin.get("/staff/admin/audit", query_string={"date_from": edge, "date_to": edge, "page": "99999999999"})

    export = admin.get("/staff/admin/audit.csv", query_string={"target": "equipo1"})
    assert export.mimetype == "text/csv" and export.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(export.get_data(True))))
    assert rows[0][:3] == ["Cuándo (UTC)", "Quién", "Acción"]
    assert {r[3] for r in rows[1:]} == {"equipo1"} | {f"equipo{n}" for n in range(10, 20)}
    assert rows[1][1:3] == ["admin", "Equipo renombrado"]


@pytest.mark.parametrize("username", ["agente", "supervisor", "analista"])
def test_only_admins_read_or_export_the_trail(staff, username):
    browser = staff(username)
    browser.get("/staff/admin/audit", expect=403)
    browser.get("/staff/admin/audit.csv", expect=403)


def test_the_export_never_hands_a_spreadsheet_a_formula(app, staff):
    Staff(app).login('=HYPERLINK("http://evil.example","x")', "mala")
    rows = list(csv.reader(io.StringIO(staff("admin").get("/staff/admin/audit.csv").get_data(True))))
    names = [r[1] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
