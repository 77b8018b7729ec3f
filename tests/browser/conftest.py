"""Browser tests: real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright for Python, against
the app served from a background thread on a free loopback port and the test database.

Skipped, with the reason, where Playwright or Chromium is missing (``make test`` installs both).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete
from werkzeug.serving import make_server

from app.extensions import db
from app.models import CustomerAccount, CustomerSession

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        pytest.skip("Playwright for Python is not installed (pip install playwright): browser tests skipped")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium): browser tests skipped")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(app):
    """The app on 127.0.0.1:<free port> in a daemon thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def shot():
    """``shot(page, name)``: a full-page PNG under tests/artifacts/ (git-ignored), returned as a path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def read(fn):
    """Run a read in the test thread and end its transaction at once: on SQLite every transaction begins
    IMMEDIATE, and an open one would hold the server thread's writes back."""
    try:
        return fn()
    finally:
        db.session.rollback()


@pytest.fixture
def no_portal_accounts(app):
    """Portal accounts the live server made in its own thread: start and end each test without any."""
    def wipe():
        db.session.rollback()
        db.session.execute(delete(CustomerSession))
        db.session.execute(delete(CustomerAccount))
        db.session.commit()

    wipe()
    yield
    wipe()

