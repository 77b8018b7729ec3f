"""HTTP mapping of errors: JSON under /api; elsewhere a Spanish page in the shell every page shares (the
customer area's look under /portal, the staff's elsewhere). Never Werkzeug's English page or a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.i18n import _, _l

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


# code -> (page title, what happened and what to do). 400, 413 and 429 come from a submitted form: the page
# says that what was typed is kept (static/js/keep-input.js puts it back when the person returns to the form).
PAGES = {
    400: (_l("The form could not be sent"), _l("The form expired or did not come from this site.")),
    403: (_l("Not allowed"), _l("You are not allowed to see this page.")),
    404: (_l("Not found"), _l("This page does not exist.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("The files are too large: up to %(size)s MB each and %(count)s files per "
                               "submission.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Unexpected error"), _l("Unexpected error. It was logged; please try again later.")),
}
KEEPS_INPUT = (400, 413, 429)


def error_page(code: int, message: str | None = None):
    """The Spanish error page of ``code`` in the page shell, as the customer or the staff see it."""
    from flask import current_app

    title, default = PAGES.get(code, PAGES[500])
    size = current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024)
    text = message or str(default) % {"size": size, "count": current_app.config["ATTACHMENT_MAX_FILES"]}
    template = "portal/error.html" if request.path.startswith("/portal") else "staff/error.html"
    return render_template(template, title=title, message=text, keeps_input=code in KEEPS_INPUT), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        body = {"message": err.message}
        if err.errors:
            body["errors"] = err.errors
        return jsonify(body), err.status

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if not _wants_json():
            if err.code < 400:  # a routing redirect (a missing trailing slash)
                return err
            return _page_or_text(err.code if err.code in PAGES else 400)
        messages = {
            400: _("Malformed request."),
            401: _("Authentication required."),
            403: _("Forbidden."),
            404: _("Not found."),
            405: _("Method not allowed."),
            413: _("Request too large."),
            415: _("Unsupported content type."),
            429: _("Too many attempts in a short time. Wait a few minutes and try again."),
        }
        return jsonify({"message": messages.get(err.code, err.name)}), err.code

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Unexpected error. It was logged; please try again later.")
        if _wants_json():
            return jsonify({"message": message}), 500
        return _page_or_text(500)


def _page_or_text(code: int):
    """The error page, or its message as plain text when the page cannot be drawn: a broken database, or
    a Host the app does not trust (no URL can be built for it)."""
    try:
        return error_page(code)
    except Exception:
        log.exception("the error page %s failed", code)
        return str(PAGES[code][0]), code
