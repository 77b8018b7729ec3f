"""Fixtures: the app from its factory, on SQLite (default) or the PostgreSQL named by TEST_DATABASE_URL.

The schema comes from the Alembic migrations, demo staff and processes are loaded once per session, and
every test starts from empty tickets with the clock reset.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.engine import make_url

from app import clock, create_app
from app.config import TestConfig
from app.extensions import db
from app.services import demo_service
from app.services.processes import process_service
from app.workflow import engine

pytest_plugins = ["tests.mail_server", "tests.kinds_fixtures", "tests.control_month"]

# Rows that tests create; staff, teams, demo customers and deployed processes are kept.
PER_TEST_TABLES = ["recurring_problem_ticket", "recurring_problem", "review_run", "process_step", "visit",
                   "saved_ticket_filter", "audit_event", "submission", "customer_session", "customer_account",
                   "outbox_message", "human_task", "ticket_answer", "followup", "ticket_event",
                   "customer_interaction", "workflow_instance", "ticket_link", "incident_escalation",
                   "incident_detail", "billing_request", "claim_line_version", "claim_line", "claim",
                   "service_change_order", "ticket", "api_token", "calendar_day_off", "webhook_endpoint"]


def _postgres_database(url: str):
    """Create a throw-away database on the server of ``url`` and return its URL and a dropper."""
    server = make_url(url)
    name = f"atiende_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        test_url, drop = _postgres_database(url)
        yield test_url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'atiende.sqlite'}"


def _compile_catalogs() -> None:
    """Texts are asserted in Spanish: build the catalogs if ``make`` has not (pytest run on its own)."""
    from babel.messages.frontend import CompileCatalog
    from setuptools import Distribution

    command = CompileCatalog(Distribution())
    command.initialize_options()
    command.directory = str(Path(__file__).resolve().parent.parent / "app" / "translations")
    command.finalize_options()
    command.run()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    _compile_catalogs()
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    application = create_app(Config)
    application.instance_path = str(tmp_path_factory.mktemp("instance"))
    with application.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        demo_service.load_demo()
        process_service.deploy_directory(application.config["PROCESSES_DIR"])
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app):
    clock.reset()
    with app.app_context():
        yield
        db.session.rollback()
        for table in PER_TEST_TABLES:
            db.session.execute(delete(db.metadata.tables[table]))
        _delete_documents_made_by_tests()
        demo_numbers = [number for number, *_rest in demo_service.CUSTOMERS]
        customer = db.metadata.tables["customer"]
        db.session.execute(delete(customer).where(customer.c.number.not_in(demo_numbers)))
        db.session.commit()
        db.session.remove()
    engine.forget_live()  # the next test's instances reuse these ids (SQLite)
    clock.reset()


def _delete_documents_made_by_tests() -> None:
    """Service orders opened by change orders or approved claims (the demo documents have no source)."""
    documents, lines = db.metadata.tables["billing_document"], db.metadata.tables["billing_document_line"]
    made = select(documents.c.id).where(documents.c.source.is_not(None))
    db.session.execute(delete(lines).where(lines.c.document_id.in_(made)))
    db.session.execute(delete(documents).where(documents.c.source.is_not(None)))


@pytest.fixture
def client(app):
    return app.test_client()


def user(username: str):
    from app.models import User

    return db.session.scalar(select(User).where(User.username == username))
