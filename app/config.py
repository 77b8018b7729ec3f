"""Configuration from the environment; secrets and the SQLite file live in ``instance/``."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")  # create_app falls back to instance/secret_key
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")  # default: sqlite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("ATIENDE_TIMEZONE", "America/Mexico_City")
    PROCESSES_DIR = str(ROOT / "processes")
    FORMS_DIR = str(ROOT / "forms")

    # Lane name in the diagrams -> staff role that may work it.
    LANE_ROLES = {
        "Contact center": "agent",
        "Técnico": "technician",
        "Cliente": "customer",
        "Supervisor": "supervisor",
    }
    # Roles that may complete a customer-lane task on the customer's behalf (a call, a survey by phone).
    ON_BEHALF_ROLES = ("supervisor", "admin")

    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "12"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(10 * 1024 * 1024)))

    # Outgoing mail (delivered by the worker from the outbox).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Atiende <soporte@net1.mx>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "12"))

    # CRM port: "builtin" records interactions on the customer; "http" posts JSON to CRM_URL.
    CRM_ADAPTER = os.environ.get("CRM_ADAPTER", "builtin")
    CRM_URL = os.environ.get("CRM_URL", "")
    CRM_TIMEOUT = float(os.environ.get("CRM_TIMEOUT", "5"))

    # Background worker: Huey on SQLite by default, Redis when REDIS_URL is set.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH", "")  # default: instance/huey.sqlite
    HUEY_IMMEDIATE = False
    HUEY_NAME = os.environ.get("HUEY_NAME", "atiende")  # queue name: distinct per deployment sharing a Redis
    OUTBOX_KICK = True  # enqueue a delivery right after a commit that queued messages
    # Retry n waits OUTBOX_RETRY_SECONDS * 2**(n-1), at most OUTBOX_RETRY_MAX_SECONDS (no jitter).
    OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
    OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
    # A claimed message is retaken by another worker after this (its worker died mid-send).
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    HUEY_IMMEDIATE = True
    MAIL_TIMEOUT = 2.0
    OUTBOX_KICK = False  # tests that deliver turn it on
