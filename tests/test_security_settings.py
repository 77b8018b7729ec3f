"""Production defaults (issue 9, items 6 and 10): links in mails never follow the request's Host header,
cookies are Secure outside development."""
from __future__ import annotations

import pytest
from flask import Flask, request

from app import _security_settings, create_app
from app.config import Config


def configured(**settings) -> Flask:
    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.update(settings)
    _security_settings(app)
    return app


def test_production_refuses_to_start_without_a_base_url_or_trusted_hosts(tmp_path):
    with pytest.raises(RuntimeError, match="PORTAL_BASE_URL"):
        create_app({"ATIENDE_ENV": "production", "TESTING": False, "DEBUG": False, "PORTAL_BASE_URL": "",
                    "TRUSTED_HOSTS": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_starts_with_either_and_its_cookies_are_secure():
    assert configured(ATIENDE_ENV="production", PORTAL_BASE_URL="https://soporte.net1.mx",
                      TRUSTED_HOSTS=None).config["SESSION_COOKIE_SECURE"] is True
    app = configured(ATIENDE_ENV="production", PORTAL_BASE_URL="", TRUSTED_HOSTS=["soporte.net1.mx"])
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["TRUSTED_HOSTS"] == ["soporte.net1.mx"]
    # Explicitly off (a TLS proxy the app cannot see is not in front): respected.
    assert configured(ATIENDE_ENV="production", PORTAL_BASE_URL="https://x.mx",
                      SESSION_COOKIE_SECURE=False).config["SESSION_COOKIE_SECURE"] is False


def test_development_serves_plain_http_on_loopback_only():
    app = configured(ATIENDE_ENV="development", PORTAL_BASE_URL="", TRUSTED_HOSTS=None)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_behind_a_proxy_the_client_address_is_the_forwarded_one():
    app = configured(ATIENDE_ENV="development", PROXY_COUNT=1)
    app.add_url_rule("/who", "who", lambda: f"{request.remote_addr} {request.scheme}")
    answer = app.test_client().get("/who", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert answer.get_data(True) == "203.0.113.7 https"
    direct = configured(ATIENDE_ENV="development").test_client()
    direct.application.add_url_rule("/who", "who", lambda: request.remote_addr)
    assert direct.get("/who", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(True) == "127.0.0.1"
