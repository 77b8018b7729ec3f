"""User-facing text: English message ids, Spanish catalogs (app/translations). Import ``_`` from here."""
from contextlib import contextmanager

from flask import current_app, has_app_context
from flask_babel import force_locale, format_date, format_datetime, get_locale, gettext, lazy_gettext, ngettext

_ = gettext
_l = lazy_gettext



def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale else "es"


@contextmanager
def default_locale():
    """Text in the application's language (Spanish) whoever asked: mail, whose templates are Spanish only."""
    if not has_app_context():
        yield
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


__all__ = ["_", "_l", "current_locale", "default_locale", "format_date", "format_datetime", "ngettext"]
