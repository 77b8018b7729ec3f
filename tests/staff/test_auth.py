"""Staff sign-in: hashed passwords, one message for every failure, CSRF, sessions that expire and end."""
from datetime import timedelta

from app import clock


def test_sign_in_then_the_task_list(staff):
    agent = staff("agente")
    page = agent.get("/staff/tasks").get_data(True)
    assert "Ana Agente" in page and "Tareas" in page


def test_pages_need_a_session(client):
    response = client.get("/staff/tasks")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_wrong_password_and_unknown_user_get_the_same_answer(app):
    from tests.staff.conftest import Staff

    unknown = Staff(app).login("nadie", "demo1234")
    wrong = Staff(app).login("agente", "otra")
    assert unknown.status_code == wrong.status_code == 401
    message = "Usuario o contraseña incorrectos."
    assert message in unknown.get_data(True) and message in wrong.get_data(True)


def test_a_form_without_its_csrf_token_is_refused(staff):
    agent = staff("agente")
    response = agent.client.post("/staff/inbox/read", data={})
    assert response.status_code == 400


def test_logout_ends_the_session_even_for_a_copied_cookie(app, staff):
    agent = staff("agente")
    cookie = agent.client.get_cookie("session").value
    agent.post("/staff/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/staff/tasks").status_code == 302


def test_an_idle_session_expires(staff, app):
    agent = staff("agente")
    clock.advance(timedelta(minutes=app.config["STAFF_SESSION_IDLE_MINUTES"] + 1))
    response = agent.client.get("/staff/tasks")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_security_headers(staff):
    response = staff("agente").get("/staff/tasks")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_api_needs_no_csrf_token(client):
    response = client.post("/api/v1/auth/token", json={"username": "agente", "password": "demo1234"})
    assert response.status_code == 200
