"""Bearer-token authentication of API views."""
from __future__ import annotations

from functools import wraps

from flask import jsonify, make_response, request

from app.api import bp
from app.errors import Unauthorized
from app.i18n import _
from app.services.accounts import auth_service
from app.services.submissions import idempotency


def token_required(view):
    """Authenticate the request's bearer token and hand its user to ``view`` as ``user``."""

    @wraps(view)
    def authenticated(*args, **kwargs):
        user = auth_service.user_for_token(_bearer_token())
        if request.method != "POST":
            return view(*args, user=user, **kwargs)
        return _once(lambda: view(*args, user=user, **kwargs), user)

    authenticated.requires_token = True  # read by the OpenAPI document
    return authenticated


def _once(call, user):
    """A POST with an ``Idempotency-Key`` is done once per user and key: a retry answers the first response
    (marked ``Idempotent-Replayed: true``); the same key with another body is refused (409)."""
    key = request.headers.get("Idempotency-Key", "")
    if not key.strip():  # no key, no protection (idempotency.once): the view's own response, not re-encoded
        return call()
    digest = idempotency.fingerprint(request.method.encode() + request.path.encode() + b"\n" + request.get_data())

    def work() -> idempotency.Outcome:
        response = make_response(call())
        return idempotency.Outcome(status=response.status_code, location=response.headers.get("Location", ""),
                                   body=response.get_json(silent=True))

    done = idempotency.once("api", str(user.id), key, digest, work)
    response = make_response(jsonify(done.body) if done.body is not None else "", done.status)
    if done.location:
        response.headers["Location"] = done.location
    if done.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


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
