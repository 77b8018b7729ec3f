"""Every state-changing form of the staff pages and the customer area is sent once (issue 13).

Each form carries a one-time ``form_token`` (the staff ``csrf()`` macro draws it; portal forms write it). Every
POST view of the two blueprints runs inside ``idempotency.once_form``: a double click or Back + resubmit gets the
redirect the first submission answered (Post/Redirect/Get), never a second ticket, claim, comment or line.

An answer that flashed no error and is not an error status is recorded as done (a redirect, or the result page
of the few views that draw it directly, replayed as it was); a refused form (a page drawn again with its errors,
an error flashed, a domain error raised) rolls everything back, so its token may be sent again, corrected.
Views that answer a replay themselves in their own words (``SELF_GUARDED``) are left alone.
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, current_app, g, make_response, redirect, request, session
from flask_login import current_user

from app.services.submissions import idempotency

FACES = ("staff", "portal")  # the blueprints guarded, each its own idempotency face
SELF_GUARDED = {"staff.take_complaint", "staff.complete", "staff.customer_message", "portal.new_ticket", "portal.task",
                "portal.message"}
# Posts that change nothing (a live preview): answered every time.
PREVIEWS = {"staff.notice_preview"}


class _Refused(Exception):
    """The view answered without doing its work (errors shown): roll back and answer its response."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def guard_forms(app: Flask) -> None:
    """Wrap every POST view of the staff and portal blueprints (call after registering them)."""
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        if blueprint in FACES and "POST" in (rule.methods or ()) and rule.endpoint not in SELF_GUARDED | PREVIEWS:
            app.view_functions[rule.endpoint] = _once(blueprint, app.view_functions[rule.endpoint])


def _actor(face: str) -> str | None:
    if face == "portal":
        account = g.get("account")
        return str(account.customer_id) if account is not None else None
    return str(current_user.user.id) if current_user.is_authenticated else None


def _error_flashes() -> int:
    return sum(1 for category, _message in session.get("_flashes", []) if category == "error")


def _once(face: str, view):
    @wraps(view)
    def guarded(*args, **kwargs):
        actor = _actor(face)
        if request.method != "POST" or actor is None or not request.form.get("form_token"):
            return view(*args, **kwargs)  # signing in, or a form without a token (a script): as before
        errors_before = _error_flashes()
        answered = []

        def work() -> idempotency.Outcome:
            response = make_response(view(*args, **kwargs))
            if response.status_code >= 400 or _error_flashes() > errors_before:
                raise _Refused(response)
            answered.append(response)
            if response.status_code in (301, 302, 303):
                return idempotency.Outcome(status=response.status_code, location=response.location)
            # A view that answers its result page directly (no redirect): the replay shows that page again.
            return idempotency.Outcome(status=response.status_code, body={"html": response.get_data(True)})

        try:
            done = idempotency.once_form(face, actor, request.form, work)
        except _Refused as refused:
            return refused.response
        if not done.replayed:
            return answered[0]
        if done.location:
            return redirect(done.location, done.status)
        return current_app.response_class((done.body or {}).get("html", ""), status=done.status, mimetype="text/html")

    return guarded
