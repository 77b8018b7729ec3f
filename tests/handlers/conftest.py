"""Fixtures for the handler tests: a real SMTP server and a CRM endpoint on loopback."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/interactions"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


@pytest.fixture
def crm():
    endpoint = Crm()
    yield endpoint
    endpoint.close()
