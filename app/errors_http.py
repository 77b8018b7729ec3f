"""HTTP mapping of domain errors: JSON under /api, never a stack trace or an HTML error page there."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.i18n import _

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


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
            return err
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
        return message, 500
