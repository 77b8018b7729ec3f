"""Bearer-token authentication of API views."""
from __future__ import annotations

from functools import wraps

from flask import request

from app.api import bp
from app.errors import Unauthorized
from app.i18n import _
from app.services.accounts import auth_service


def token_required(view):
    """Authenticate the request's bearer token and hand its user to ``view`` as ``user``."""

    @wraps(view)
    def authenticated(*args, **kwargs):
        return view(*args, user=auth_service.user_for_token(_bearer_token()), **kwargs)

    authenticated.requires_token = True  # read by the OpenAPI document
    return authenticated


def _bearer_token() -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("Missing, invalid or expired token."))
    return token.strip()


@bp.after_request
def _challenge(response):
    """RFC 6750: a 401 tells the client which scheme to authenticate with."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="atiende"'
    return response
