"""A browser-like test client for the cookie-authenticated pages: its own cookie jar, and every post
carries the CSRF token read from the last page."""
from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class FormClient:
    home = "/"  # the page a fresh token is read from

    def __init__(self, app):
        self.client = app.test_client()
        self.token = ""

    def refresh_token(self, path: str | None = None) -> None:
        page = self.client.get(path or self.home).get_data(True)
        found = _CSRF.search(page)
        self.token = found.group(1) if found else self.token

    def get(self, path: str, expect: int | None = 200, **kwargs):
        response = self.client.get(path, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (path, response.status_code, response.get_data(True)[:2000])
        return response

    def post(self, path: str, data: dict | None = None, expect: int | None = 302, **kwargs):
        if not self.token:
            self.refresh_token()
        response = self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (path, response.status_code, response.get_data(True)[:2000])
        return response
