"""Never duplicate, never lose what was typed (issue 13): one-time form tokens, Post/Redirect/Get, Spanish
error pages in the page shell, upload limits that match what the page says."""
from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Ticket

COMPLAINT = {"customer_number": "C-1001", "channel": "phone", "description": "Sin internet desde la mañana"}


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_the_same_intake_form_sent_twice_opens_one_ticket_and_lands_on_it(staff):
    agent = staff("agente")
    first = agent.post("/staff/intake", {**COMPLAINT, "form_token": "tok-1"}, expect=302)
    again = agent.post("/staff/intake", {**COMPLAINT, "form_token": "tok-1"}, expect=302)
    assert again.location == first.location and count() == 1
    agent.post("/staff/intake", {**COMPLAINT, "form_token": "tok-2"}, expect=302)
    assert count() == 2


def test_the_intake_page_carries_a_fresh_one_time_token(staff):
    agent = staff("agente")
    pages = [agent.get("/staff/intake", query_string={"customer_number": "C-1001"}).get_data(True) for _ in "ab"]
    tokens = [page.split('name="form_token" value="', 1)[1].split('"', 1)[0] for page in pages]
    assert tokens[0] != tokens[1] and len(tokens[0]) > 20


def test_a_refused_form_keeps_what_was_typed_and_its_token_stays_usable(staff):
    agent = staff("agente")
    page = agent.post("/staff/intake", {**COMPLAINT, "description": "", "equipment_brand": "Huawei-XYZ",
                                        "form_token": "tok-3"}, expect=422).get_data(True)
    assert "Huawei-XYZ" in page
    agent.post("/staff/intake", {**COMPLAINT, "form_token": "tok-3"}, expect=302)
    assert count() == 1


def test_a_token_sent_back_with_other_text_is_refused_and_the_text_kept(staff):
    agent = staff("agente")
    agent.post("/staff/intake", {**COMPLAINT, "form_token": "tok-4"}, expect=302)
    page = agent.post("/staff/intake", {**COMPLAINT, "description": "Texto cambiado tras volver atrás",
                                        "form_token": "tok-4"}, expect=409).get_data(True)
    assert "Texto cambiado tras volver atrás" in page and count() == 1


def test_two_concurrent_submissions_of_one_form_open_one_ticket(app, staff, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE; the test's own connection blocks threads here")
    agent = staff("agente")
    results = []

    def submit():
        results.append(agent.client.post("/staff/intake", data={**COMPLAINT, "form_token": "tok-5",
                                                                   "csrf_token": agent.token}))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [302, 302] and results[0].location == results[1].location
    assert count() == 1


@pytest.mark.parametrize("path, method, code, text", [
    ("/staff/no-existe", "get", 404, "Esta página no existe."),
    ("/no-existe", "get", 404, "Esta página no existe."),
    ("/portal/no-existe", "get", 404, "Esta página no existe."),
    ("/staff/intake/Q-1", "post", 405, "No se puede usar esta página de esa manera."),
])
def test_error_pages_are_spanish_in_the_page_shell(staff, path, method, code, text):
    response = getattr(staff("agente").client, method)(path)
    page = response.get_data(True)
    assert response.status_code == code and text in page
    assert '<html lang="es">' in page and 'class="topbar"' in page and "Not Found" not in page


def test_a_staff_upload_over_the_limit_gets_a_spanish_page(app, staff, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    agent = staff("agente")
    response = agent.post("/staff/intake", {**COMPLAINT, "attachments": (io.BytesIO(b"x" * 4096), "foto.jpg")},
                          expect=413, content_type="multipart/form-data")
    page = response.get_data(True)
    assert "Demasiado grande" in page and "Request Entity Too Large" not in page
    assert "Lo que escribió se conserva" in page and "data-keeps-input" in page and count() == 0


def test_the_request_limit_fits_the_files_a_form_may_carry(app):
    per_file, files = app.config["ATTACHMENT_MAX_BYTES"], app.config["ATTACHMENT_MAX_FILES"]
    assert per_file == 10 * 1024 * 1024 and files >= 2
    assert app.config["MAX_CONTENT_LENGTH"] > files * per_file  # two 6 MB photos and the description pass
