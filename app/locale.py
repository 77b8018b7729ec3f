"""Which language a request is answered in. Spanish unless someone chose otherwise: a signed-in staff user or
customer by his stored preference (the switch in the top bar); the customer area before signing in and the
API by the browser's or client's ``Accept-Language``. The catalogs' message ids are English, so English needs
no translations of its own (app/translations/en).

What is written down for others to read (timeline lines, mail, inbox notices, written by signal subscribers and
service-task handlers) stays in the application's language whoever's request wrote it (app/signals.py,
handlers/registry.py, handlers/mail.py use ``app.i18n.default_locale``)."""
from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import refresh
from flask_login import current_user

from app.i18n import current_locale
from app.services.accounts.language import DEFAULT, LANGUAGES


def select_locale() -> str:
    if not has_request_context():  # the worker, the CLI: the application's language
        return DEFAULT
    if request.path.startswith("/api/"):
        return _accepted()
    if request.blueprint == "portal" or request.path.startswith("/portal"):
        account = g.get("account")
        return account.language if account is not None and account.language else _accepted()
    if current_user and current_user.is_authenticated and current_user.user.language:
        return current_user.user.language
    return DEFAULT


def _accepted() -> str:
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT)


def init_locale(app: Flask) -> None:
    # Flask-Babel keeps the locale on the app context; a request run inside an outer one (tests, CLI) must
    # choose its own.
    app.before_request(refresh)
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["current_locale"] = current_locale
