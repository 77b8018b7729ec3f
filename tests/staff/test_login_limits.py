"""Every sign-in is rate-limited per address (issue 9, item 7): the staff page and the API token."""
from __future__ import annotations

import pytest

from app.config import TestConfig
from app.ratelimit import limiter
from app.services.demo_service import DEMO_PASSWORD
from tests.staff.conftest import Staff


@pytest.fixture
def tight_limits(app):
    limiter.reset()
    app.config.update(STAFF_LIMIT_LOGIN="3 per minute", API_LIMIT_TOKEN="3 per minute")
    yield
    limiter.reset()
    app.config.update(STAFF_LIMIT_LOGIN=TestConfig.STAFF_LIMIT_LOGIN, API_LIMIT_TOKEN=TestConfig.API_LIMIT_TOKEN)


def test_wrong_passwords_then_the_right_one_is_refused_on_the_staff_page(app, tight_limits):
    browser = Staff(app)
    for _n in range(3):
        assert browser.login("agente", "mala").status_code == 401
    refused = browser.login("agente")
    assert refused.status_code == 429
    assert "Demasiados intentos" in refused.get_data(True)
    browser.get("/staff/login")  # reading the page is never limited


def test_wrong_passwords_then_the_right_one_is_refused_on_the_token_endpoint(client, tight_limits):
    for _n in range(3):
        assert client.post("/api/v1/auth/token", json={"username": "agente", "password": "mala"}).status_code == 401
    refused = client.post("/api/v1/auth/token", json={"username": "agente", "password": DEMO_PASSWORD})
    assert refused.status_code == 429
    assert refused.json["message"].startswith("Demasiados intentos")
