"""Fixtures for the handler tests: a real SMTP server and a CRM endpoint on loopback."""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest

from tests.loopback_http import LoopbackServer


class Crm:
    """A CRM endpoint on loopback answering ``status`` and keeping what it was sent."""

    def __init__(self):
        self.status = 201
        self.requests: list[tuple[dict, dict]] = []
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                crm.requests.append((dict(self.headers), json.loads(body)))
                self.send_response(crm.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.base_url + "/interactions"

    def close(self):
        self.server.close()


@pytest.fixture
def crm():
    endpoint = Crm()
    yield endpoint
    endpoint.close()
