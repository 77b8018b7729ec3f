"""Serving behind a reverse proxy: forwarded headers are believed only when configured, and only the
configured host names are answered (docs/deploy.md)."""
from __future__ import annotations

import pytest
from flask import request

from app import create_app
from app.config import TestConfig


def app_with(database_url, **settings):
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    served = create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url, **settings})

    @served.get("/_seen")
    def seen():
        return {"scheme": request.scheme, "host": request.host, "remote": request.remote_addr}

    return served


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "mesa.net1.mx"}


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(database_url):
    seen = app_with(database_url).test_client().get("/_seen", headers=FORWARDED).json
    assert seen == {"scheme": "http", "host": "localhost", "remote": "127.0.0.1"}


def test_behind_one_proxy_the_client_scheme_and_host_are_the_forwarded_ones(database_url):
    served = app_with(database_url, PROXY_COUNT=1, TRUSTED_HOSTS=["mesa.net1.mx"])
    seen = served.test_client().get("/_seen", headers=FORWARDED).json
    assert seen == {"scheme": "https", "host": "mesa.net1.mx", "remote": "203.0.113.7"}


@pytest.mark.parametrize(("host", "status"), [("mesa.net1.mx", 200), ("evil.example", 400)])
def test_only_trusted_hosts_are_answered(database_url, host, status):
    client = app_with(database_url, TRUSTED_HOSTS=["mesa.net1.mx"]).test_client()
    assert client.get("/_seen", headers={"Host": host}).status_code == status
