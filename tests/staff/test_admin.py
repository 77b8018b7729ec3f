"""Administration: an admin manages users (roles, teams, access, passwords) and teams; nobody else may.

The demo staff are shared by every test: these tests create their own users and teams, and delete them after."""
import re

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import StaffSession, Team, User
from app.services import demo_service
from tests.conftest import user
from tests.staff.conftest import Staff

PASSWORD = "clave-segura-123"


@pytest.fixture(autouse=True)
def _forget_what_the_test_created():
    """Users and teams that are not demo ones go (their sessions, tokens and memberships cascade)."""
    yield
    db.session.rollback()
    demo_users = [username for username, *_rest in demo_service.STAFF]
    demo_teams = [code for code, _name in demo_service.TEAMS]
    db.session.execute(delete(User).where(User.username.not_in(demo_users)))
    db.session.execute(delete(Team).where(Team.code.not_in(demo_teams)))
    db.session.commit()


def new_user(admin: Staff, username: str = "nuevo.tecnico", *, expect: int = 302, **fields):
    data = {"username": username, "full_name": "Nuevo Técnico", "email": "nuevo@net1.mx",
            "roles": ["technician"], "teams": ["soporte_n1"], "password": PASSWORD, "password_confirm": PASSWORD,
            **fields}
    return admin.post("/staff/admin/users/new", data, expect=expect)


def user_id(response) -> int:
    return int(response.location.rstrip("/").rsplit("/", 1)[-1])


def api_token(client, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return response.json["token"]


def api_tasks(client, token: str) -> int:
    return client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_admin_creates_a_user_who_can_then_sign_in(app, staff):
    admin = staff("admin")
    assert "Administración" in admin.get("/staff/tasks").get_data(True)
    response = new_user(admin, roles=["technician", "supervisor"])
    page = admin.get(response.location).get_data(True)
    assert "Usuario nuevo.tecnico creado." in page
    created = user("nuevo.tecnico")
    assert created.active and created.roles == ["technician", "supervisor"] and created.team_codes == ["soporte_n1"]
    assert created.password_hash != PASSWORD
    listing = admin.get("/staff/admin/users").get_data(True)
    assert "nuevo.tecnico" in listing and "Técnico, Supervisor" in listing and "Soporte técnico nivel 1" in listing
    technician = Staff(app, None)
    assert technician.login("nuevo.tecnico", PASSWORD).status_code == 302
    assert "Nuevo Técnico" in technician.get("/staff/tasks").get_data(True)


def test_the_list_searches_by_username_name_or_email(staff):
    admin = staff("admin")
    page = admin.get("/staff/admin/users", query_string={"q": "SUPERVISORA"}).get_data(True)
    assert "Sofía Supervisora" in page and "Ana Agente" not in page and "1 usuario" in page
    assert "Ningún usuario coincide." in admin.get("/staff/admin/users", query_string={"q": "zzz"}).get_data(True)


def test_a_taken_username_is_a_field_error_and_nothing_is_created(staff):
    admin = staff("admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    page = new_user(admin, "tecnico1", full_name="Otro Técnico", expect=422).get_data(True)
    assert "Este nombre de usuario ya está en uso." in page
    assert 'value="Otro Técnico"' in page and PASSWORD not in page  # the input is kept, never the passwords
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert user("tecnico1").full_name == "Tomás Técnico"


def test_every_field_says_what_is_wrong(staff):
    admin = staff("admin")
    page = new_user(admin, "Con Espacios", full_name="", email="no-es-correo", roles=[], teams=["no_existe"],
                    password="corta", password_confirm="corta", expect=422).get_data(True)
    assert "Corrija los campos señalados." in page
    for message in ("De 2 a 80 caracteres", "Este campo es obligatorio.", "Dirección de correo no válida.",
                    "Elija al menos un rol.", "Valor no permitido.", "Al menos 10 caracteres."):
        assert message in page, message
    assert 'aria-invalid="true"' in page
    page = new_user(admin, password_confirm=PASSWORD + "x", expect=422).get_data(True)
    assert "Las dos contraseñas no coinciden." in page
    assert user("nuevo.tecnico") is None


def test_non_admins_are_refused(staff):
    supervisor = staff("supervisor")
    assert "Administración" not in supervisor.get("/staff/tasks").get_data(True)
    for path in ("/staff/admin/users", "/staff/admin/users/new", f"/staff/admin/users/{user('agente').id}",
                 "/staff/admin/teams", f"/staff/admin/teams/{db.session.scalar(select(Team.id))}"):
        page = supervisor.get(path, expect=403).get_data(True)
        assert "Solo un administrador gestiona usuarios y equipos." in page
    new_user(supervisor)  # refused: back where it came from, with the reason
    assert user("nuevo.tecnico") is None
    agent_id = user("agente").id
    supervisor.post(f"/staff/admin/users/{agent_id}", {"full_name": "Cambiado", "email": "x@net1.mx",
                                                       "roles": ["admin"]})
    supervisor.post(f"/staff/admin/users/{agent_id}/password", {"password": PASSWORD, "password_confirm": PASSWORD})
    db.session.expire_all()
    agente = user("agente")
    assert agente.full_name == "Ana Agente" and agente.roles == ["agent"] and agente.check_password("demo1234")
    assert "Solo un administrador gestiona usuarios y equipos." in supervisor.get("/staff/tasks").get_data(True)


def test_deactivating_ends_his_sessions_and_api_tokens(app, staff):
    admin = staff("admin")
    uid = user_id(new_user(admin))
    browser = Staff(app, None)
    assert browser.login("nuevo.tecnico", PASSWORD).status_code == 302
    token = api_token(app.test_client(), "nuevo.tecnico")
    assert api_tasks(app.test_client(), token) == 200
    admin.post(f"/staff/admin/users/{uid}", {"full_name": "Nuevo Técnico", "email": "nuevo@net1.mx",
                                             "roles": ["technician"], "teams": ["soporte_n1"]})  # "active" unchecked
    db.session.expire_all()
    assert user("nuevo.tecnico").active is False
    response = browser.client.get("/staff/tasks")
    assert response.status_code == 302 and "/staff/login" in response.location
    assert api_tasks(app.test_client(), token) == 401
    assert db.session.scalar(select(func.count()).select_from(StaffSession)
                             .where(StaffSession.user_id == uid, StaffSession.ended_at.is_(None))) == 0
    assert Staff(app, None).login("nuevo.tecnico", PASSWORD).status_code == 401
    # Active again: he signs in anew; the old token stays dead.
    admin.post(f"/staff/admin/users/{uid}", {"full_name": "Nuevo Técnico", "email": "nuevo@net1.mx",
                                             "roles": ["technician"], "active": "1"})
    assert api_tasks(app.test_client(), token) == 401
    assert Staff(app, None).login("nuevo.tecnico", PASSWORD).status_code == 302


def test_edit_roles_teams_name_and_email(staff):
    admin = staff("admin")
    uid = user_id(new_user(admin))
    form = admin.get(f"/staff/admin/users/{uid}").get_data(True)
    assert re.search(r'name="roles" value="technician"\s+checked', form)
    admin.post(f"/staff/admin/users/{uid}", {"full_name": "Nueva Supervisora", "email": "sup@net1.mx",
                                             "roles": ["supervisor", "approver"], "teams": ["campo", "redes"],
                                             "active": "1"})
    db.session.expire_all()
    changed = user("nuevo.tecnico")
    assert (changed.full_name, changed.email, changed.roles) == ("Nueva Supervisora", "sup@net1.mx",
                                                                 ["supervisor", "approver"])
    assert sorted(changed.team_codes) == ["campo", "redes"] and changed.active
    page = admin.post(f"/staff/admin/users/{uid}", {"full_name": "", "email": "sup@net1.mx", "roles": ["agent"],
                                                    "active": "1"}, expect=422).get_data(True)
    assert "Este campo es obligatorio." in page and re.search(r'name="roles" value="agent"\s+checked', page)
    db.session.expire_all()
    assert user("nuevo.tecnico").full_name == "Nueva Supervisora"


def test_an_admin_cannot_deactivate_or_de_admin_himself(staff):
    admin = staff("admin")
    me = user("admin")
    page = admin.get(f"/staff/admin/users/{me.id}").get_data(True)
    assert "Es su propia cuenta: no puede desactivarla." in page
    base = {"full_name": me.full_name, "email": me.email}
    page = admin.post(f"/staff/admin/users/{me.id}", {**base, "roles": ["admin"]}, expect=422).get_data(True)
    assert "No puede desactivar su propia cuenta." in page
    page = admin.post(f"/staff/admin/users/{me.id}", {**base, "roles": ["agent"], "active": "1"},
                      expect=422).get_data(True)
    assert "No puede quitarse su propio rol de administrador." in page
    db.session.expire_all()
    me = user("admin")
    assert me.active and me.roles == ["admin"]
    assert admin.get("/staff/admin/users").status_code == 200  # still signed in


def test_a_password_reset_ends_his_sessions(app, staff):
    admin = staff("admin")
    uid = user_id(new_user(admin))
    browser = Staff(app, None)
    assert browser.login("nuevo.tecnico", PASSWORD).status_code == 302
    token = api_token(app.test_client(), "nuevo.tecnico")
    page = admin.post(f"/staff/admin/users/{uid}/password", {"password": "corta", "password_confirm": "corta"},
                      expect=422).get_data(True)
    assert "Al menos 10 caracteres." in page
    new_password = "otra-clave-456"
    admin.post(f"/staff/admin/users/{uid}/password", {"password": new_password, "password_confirm": new_password})
    assert browser.client.get("/staff/tasks").status_code == 302
    assert api_tasks(app.test_client(), token) == 401
    assert Staff(app, None).login("nuevo.tecnico", PASSWORD).status_code == 401
    assert Staff(app, None).login("nuevo.tecnico", new_password).status_code == 302


def test_teams_create_rename_and_members(staff):
    admin = staff("admin")
    response = admin.post("/staff/admin/teams", {"code": "soporte_n2", "name": "Soporte técnico nivel 2"})
    team = db.session.scalar(select(Team).where(Team.code == "soporte_n2"))
    assert response.location.endswith(f"/staff/admin/teams/{team.id}")
    listing = admin.get("/staff/admin/teams").get_data(True)
    assert "Soporte técnico nivel 2" in listing and "soporte_n2" in listing
    for code, message in (("soporte_n2", "Un equipo ya tiene este código."), ("Soporte N2", "A lo sumo 40 caracteres"),
                          ("", "Este campo es obligatorio.")):
        page = admin.post("/staff/admin/teams", {"code": code, "name": "Otro"}, expect=422).get_data(True)
        assert message in page and 'value="Otro"' in page, code
    assert db.session.scalar(select(func.count()).select_from(Team).where(Team.name == "Otro")) == 0

    admin.post(f"/staff/admin/teams/{team.id}", {"name": "Soporte N2"})
    assert admin.post(f"/staff/admin/teams/{team.id}", {"name": " "}, expect=422).status_code == 422
    db.session.expire_all()
    team = db.session.get(Team, team.id)
    assert (team.code, team.name) == ("soporte_n2", "Soporte N2")

    uid = user_id(new_user(admin, teams=[]))
    admin.post(f"/staff/admin/teams/{team.id}/members", {"username": "nuevo.tecnico"})
    admin.post(f"/staff/admin/teams/{team.id}/members", {"username": "nadie"})  # flashed, nothing added
    db.session.expire_all()
    assert [m.username for m in db.session.get(Team, team.id).members] == ["nuevo.tecnico"]
    assert re.search(r"Soporte N2</a></td>\s*<td[^>]*>soporte_n2</td>\s*<td[^>]*>1</td>",
                     admin.get("/staff/admin/teams").get_data(True))
    admin.post(f"/staff/admin/teams/{team.id}/members/{uid}/remove")
    db.session.expire_all()
    assert db.session.get(Team, team.id).members == []
    assert user("nuevo.tecnico").team_codes == []


def test_forms_without_their_csrf_token_are_refused(staff):
    admin = staff("admin")
    response = admin.client.post("/staff/admin/users/new", data={
        "username": "sin.token", "full_name": "Sin Token", "email": "s@net1.mx", "roles": ["agent"],
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 400 and user("sin.token") is None
    response = admin.client.post(f"/staff/admin/users/{user('agente').id}", data={
        "full_name": "Ana Agente", "email": "agente@net1.mx", "roles": ["agent"]})
    assert response.status_code == 400
    db.session.expire_all()
    assert user("agente").active
    assert admin.client.post("/staff/admin/teams", data={"code": "sin_token", "name": "X"}).status_code == 400
