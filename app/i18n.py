"""User-facing text: English message ids, Spanish catalogs (app/translations). Import ``_`` from here."""
from flask_babel import format_date, format_datetime, get_locale, gettext, lazy_gettext, ngettext

_ = gettext
_l = lazy_gettext



def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale else "es"


__all__ = ["_", "_l", "current_locale", "format_date", "format_datetime", "ngettext"]
