"""E-mails rendered from ``app/templates/mail/<locale>/``: the first line is ``Subject: …``, the rest the body.

Mail is written per locale (whole texts read better than sentence-by-sentence catalogs); the
locale is the application's (``BABEL_DEFAULT_LOCALE``, Spanish). Every template may use the company's
details (``support_email``, ``support_phone``, ``portal_url()``, ``ticket_url(number)``: app/brand.py) and
``greeting(customer)``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from app import brand
from app.i18n import _, current_locale, default_locale, format_datetime, ngettext

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates" / "mail"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(enabled_extensions=("html",)), trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.install_gettext_callables(_, ngettext, newstyle=True)
    env.filters["datetime"] = lambda value: format_datetime(value, "medium") if value else "-"
    env.globals.update(greeting=greeting, portal_url=brand.portal_url, ticket_url=brand.ticket_url)
    return env


def greeting(customer) -> str:
    """"Estimado(a) María López:", or a neutral greeting when all we know is an address (a provisional
    customer made from a mail without a display name): nobody is greeted as "Estimado(a) x@y.com"."""
    name = (getattr(customer, "name", "") or "").strip()
    if not name or "@" in name:
        return _("Dear customer:")
    return _("Dear %(name)s:", name=name)


def resolve(names: list[str]) -> str:
    """The first of ``names`` that exists in the current locale."""
    return _select(names).name.partition("/")[2]


def _select(names: list[str]):
    return _environment().get_template(_first_existing(current_locale(), tuple(names)))


@lru_cache(maxsize=512)
def _first_existing(locale: str, names: tuple[str, ...]) -> str:
    """Which of ``names`` exists, looked up once per process: a name missing costs a file lookup and an
    exception each time, and a status mail tries up to four. A template added later needs a restart."""
    try:
        return _environment().select_template([f"{locale}/{name}" for name in names]).name
    except TemplateNotFound:
        raise LookupError(f"no mail template among {list(names)}") from None


def render(names: list[str], **context) -> tuple[str, str]:
    """Render the first template of ``names`` that exists; return (subject, body). Always in the application's
    language, even when a request in English (a customer's preference) queues the mail."""
    with default_locale():
        template = _select(names)
        text = template.render(support_email=brand.support_email(), support_phone=brand.support_phone(), **context)
    first, _sep, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"mail template {template.name} must start with 'Subject:'")
    # One line only: a newline in a subject would inject headers into the outgoing mail.
    subject = " ".join(first[len("Subject:"):].split())
    return subject, body.lstrip("\n")
