"""Application factory."""
from __future__ import annotations

import logging
import secrets
import sqlite3
import time
import unicodedata
from pathlib import Path

from flask import Flask, redirect, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config
from app.extensions import babel, db, migrate
from app.url_converters import IdConverter

csrf = CSRFProtect()


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route: ids within the database's range
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _security_settings(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _default_settings(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    from app.locale import init_locale, select_locale

    babel.init_app(app, default_translation_directories=str(Path(app.root_path) / "translations"),
                   locale_selector=select_locale)
    init_locale(app)
    _configure_sqlite(app)

    from handlers import connect_subscribers

    connect_subscribers()

    from app.api import bp as api_bp
    from app.cli import register_cli
    from app.errors_http import register_error_handlers
    from app.portal import init_portal
    from app.ratelimit import limiter
    from app.staff import bp as staff_bp
    from app.staff.auth import init_login

    app.register_blueprint(api_bp)
    app.register_blueprint(staff_bp)
    limiter.init_app(app)  # rate limits on every sign-in (app/ratelimit.py)
    init_portal(app)  # the customer area (/portal) and its notification preference
    csrf.init_app(app)
    csrf.exempt(api_bp)  # bearer tokens, never cookies: no cross-site request can carry one
    init_login(app)
    app.after_request(_security_headers)
    from app.services.submissions.idempotency import new_token

    app.jinja_env.globals["form_token"] = new_token  # every state-changing form posts one (issue 13)
    from app.once_forms import guard_forms

    guard_forms(app)
    register_error_handlers(app)
    register_cli(app)
    app.add_url_rule("/", "home", lambda: redirect(url_for("staff.home")))
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("spiff").setLevel(logging.WARNING)  # one line per task state change otherwise
    return app


def _security_headers(response):
    """No framing, no sniffing, scripts and styles only from here (bpmn-js styles SVG inline), and pages,
    JSON, exports and downloaded attachments never cached: they carry customers' data."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy",
                       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                       "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
                       "form-action 'self'")
    if response.mimetype in ("text/html", "application/json", "text/csv") \
            or headers.get("Content-Disposition", "").startswith("attachment"):
        headers["Cache-Control"] = "no-store"
    return response


def _security_settings(app: Flask) -> None:
    """Production defaults unless developing or testing: Secure cookies, and links in mails never built
    from a Host header nobody vouched for (refuse to start without PORTAL_BASE_URL or TRUSTED_HOSTS).
    Behind PROXY_COUNT proxies, the client's address and scheme come from their X-Forwarded-* headers."""
    developing = app.debug or app.testing or app.config["ATIENDE_ENV"] == "development"
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not developing
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config["PORTAL_BASE_URL"] and not app.config["TRUSTED_HOSTS"]:
        if not developing:
            raise RuntimeError("Set PORTAL_BASE_URL (the public https:// address of this site, for links in "
                               "mails) or TRUSTED_HOSTS (the host names requests may use); see docs/security.md.")
        app.config["TRUSTED_HOSTS"] = ["127.0.0.1", "localhost"]


def _default_settings(app: Flask) -> None:
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'atiende.sqlite'}"
    if not app.config["SECRET_KEY"]:
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _unaccent(value: str | None) -> str | None:
    """"María López" -> "Maria Lopez" (accents dropped; ñ -> n as PostgreSQL's unaccent does)."""
    if value is None:
        return None
    return "".join(ch for ch in unicodedata.normalize("NFD", value) if not unicodedata.combining(ch))


def _configure_sqlite(app: Flask) -> None:
    """SQLite: enforce foreign keys, wait for a busy writer instead of failing at once, and use WAL so
    readers never block on the writer (NORMAL sync is safe under WAL).

    SQLAlchemy, not pysqlite, begins transactions: pysqlite only begins one before a write, so a savepoint
    taken first would commit on release. A use case's transaction (``app.services.transaction``) begins with
    ``BEGIN IMMEDIATE``: it takes the write lock up front, so its reads-then-writes wait for another writer
    instead of failing with "database is locked". Everything else only reads and begins deferred, so
    readers never queue on the write lock and run on every core. Before ``BEGIN IMMEDIATE`` a write
    transaction takes the writers' turn (app/write_turn.py), so writers queue in order rather than in
    SQLite's busy handler, which sleeps up to 100 ms between tries.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # PostgreSQL's unaccent() (the extension) for SQLite, so one query ignores accents on both.
            dbapi_conn.create_function("unaccent", 1, _unaccent, deterministic=True)

        from app.services.transaction import writing
        from app.write_turn import for_database, install

        turn = for_database(db.engine.url.database, SQLITE_BUSY_TIMEOUT_MS / 1000)
        if turn:
            install(db.engine, turn)
        db.engine.write_turn = turn  # the tests look at it

        @event.listens_for(db.engine, "begin")
        def _on_begin(conn):
            write = writing.get()
            conn.info["deferred"] = not write
            if not write:
                conn.exec_driver_sql("BEGIN")
                return
            driver = conn.connection.driver_connection
            if turn:
                turn.acquire(driver)  # the writers' queue (app/write_turn.py); released when this ends
            try:
                if conn.get_execution_options().get("poll_write_lock"):
                    _begin_polling(driver)
                else:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                if turn:
                    turn.release(driver)
                raise


SQLITE_BUSY_TIMEOUT_MS = 15000


def _begin_polling(dbapi_conn, every: float = 0.0005) -> None:
    """``BEGIN IMMEDIATE`` tried every half millisecond for up to busy_timeout, for a connection opened with the
    ``poll_write_lock`` execution option. SQLite's own busy handler sleeps up to 100 ms between tries, so a
    worker waiting for another one that runs short transactions back to back seldom hits the gap between two
    of them (the timer sweep: app/services/cases/timer_service.py)."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    dbapi_conn.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
            time.sleep(every)
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
