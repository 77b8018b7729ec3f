"""English as a second locale (issue 13): Spanish by default; a staff user's and a customer's stored choice;
the customer area before signing in and the API by Accept-Language. Mail stays Spanish."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.staff.conftest import Staff


def test_spanish_is_the_default_everywhere(app):
    client = app.test_client()
    assert "Iniciar sesión" in client.get("/staff/login").get_data(True)
    assert "Iniciar sesión" in client.get("/portal/login").get_data(True)
    assert client.get("/api/v1/no-existe").json["message"] == "No encontrado."


def test_accept_language_chooses_english_for_the_portal_and_the_api_not_the_staff(app):
    client = app.test_client()
    english = {"Accept-Language": "en-US,en;q=0.9,es;q=0.5"}
    page = client.get("/portal/login", headers=english).get_data(True)
    assert '<html lang="en">' in page and "Sign in" in page and "Iniciar sesión" not in page
    assert client.get("/api/v1/no-existe", headers=english).json["message"] == "Not found."
    assert "Iniciar sesión" in client.get("/staff/login", headers=english).get_data(True)
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}  # a language we have not: the default
    assert "Iniciar sesión" in client.get("/portal/login", headers=french).get_data(True)


@pytest.fixture
def agent_language_restored(app):
    """The demo users outlive a test: whatever it chose, the agent is back to the default afterwards."""
    yield
    db.session.rollback()
    db.session.scalar(select(User).where(User.username == "agente")).language = None
    db.session.commit()


def test_a_staff_user_switches_to_english_and_it_is_kept(app, agent_language_restored):
    agent = Staff(app, "agente")
    page = agent.get("/staff/tasks").get_data(True)
    assert 'name="language" value="en"' in page and "Tareas" in page
    agent.post("/staff/language", {"language": "en", "back": "/staff/tasks"})
    assert db.session.scalar(select(User.language).where(User.username == "agente")) == "en"
    page = Staff(app, "agente").get("/staff/tasks").get_data(True)  # another browser, the same person
    assert '<html lang="en">' in page and ">Tasks<" in page and 'name="language" value="es"' in page
    agent.post("/staff/language", {"language": "xx"}, expect=302)  # refused: nothing changes
    assert db.session.scalar(select(User.language).where(User.username == "agente")) == "en"
    agent.post("/staff/language", {"language": "es"})
    assert "Tareas" in agent.get("/staff/tasks").get_data(True)


def test_english_needs_no_translations_of_its_own():
    from tests.test_spanish_everywhere import ROOT

    assert (ROOT / "app/translations/en/LC_MESSAGES/messages.po").is_file()
