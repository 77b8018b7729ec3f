"""Portal accounts: sign-up, e-mail verification, sign-in, sign-out, password reset, preferences."""
from __future__ import annotations

from functools import wraps

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from app import brand
from app.errors import DomainError, NotFound, Unauthorized, ValidationFailed
from app.errors_http import error_page
from app.i18n import _
from app.models import NOTIFY_CHOICES
from app.portal import bp, limit
from app.safe_redirect import back_after_sign_in, local_path
from app.services.accounts import customer_auth_service, language

SESSION_KEY = "portal_token"


@bp.before_request
def _load_account() -> None:
    g.account = customer_auth_service.session_account(session.get(SESSION_KEY))
    if g.account is None:
        session.pop(SESSION_KEY, None)


@bp.app_context_processor
def _portal_context():
    return {"account": g.get("account")}


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("account") is None:  # back here after signing in, and a form sent meanwhile is filled again
            flash(_("Please sign in to continue."), "info")
            return redirect(url_for("portal.login", next=back_after_sign_in(request)))
        return view(*args, **kwargs)

    return wrapper


def customer_id() -> int:
    return g.account.customer_id


def _link(endpoint: str):
    """Links in mails: from PORTAL_BASE_URL when set, else from this request's host, which Flask has checked
    against TRUSTED_HOSTS (create_app refuses to start with neither)."""
    base = current_app.config.get("PORTAL_BASE_URL") or ""
    if base:
        return lambda token: base.rstrip("/") + url_for(endpoint, token=token)
    return lambda token: url_for(endpoint, token=token, _external=True)


@bp.errorhandler(NotFound)
def _not_found(err):
    return render_template("portal/error.html", title=_("Not found"), message=err.message), 404


@bp.errorhandler(404)
def _http_not_found(_err):
    return render_template("portal/error.html", title=_("Not found"), message=_("This page does not exist.")), 404


@bp.errorhandler(CSRFError)
def _csrf(_err):
    if "account" not in g:  # refused before the blueprint's own before_request ran
        _load_account()
    return render_template("portal/error.html", title=_("The form expired"),
                           message=_("The form was sent without its security token (or it expired). Nothing was "
                                     "saved: go back, reload the page and send it again."), keeps_input=True), 400


@bp.errorhandler(429)
def _too_many(_err):
    return render_template("portal/error.html", title=_("Too many attempts"),
                           message=_("Too many attempts in a short time. Wait a few minutes and try again."),
                           keeps_input=True), 429


@bp.errorhandler(413)
def _too_large(_err):
    return error_page(413)


@bp.errorhandler(DomainError)
def _domain(err: DomainError):
    return render_template("portal/error.html", title=_("It could not be done"), message=err.message), err.status


@bp.route("/login", methods=["GET", "POST"])
@limit("PORTAL_LIMIT_LOGIN")
def login():
    if g.account is not None:
        return redirect(url_for("portal.tickets"))
    error = None
    if request.method == "POST":
        try:
            token, _account = customer_auth_service.sign_in(request.form.get("email", ""),
                                                            request.form.get("password", ""))
        except Unauthorized as err:
            error = err.message
        else:
            session.pop("csrf_token", None)  # a new CSRF token with the new session
            session[SESSION_KEY] = token
            session.permanent = True
            return redirect(local_path(request.args.get("next"), url_for("portal.tickets")))
    return render_template("portal/login.html", error=error,
                           email=request.form.get("email", "")), 401 if error else 200


@bp.post("/logout")
def logout():
    customer_auth_service.sign_out(session.pop(SESSION_KEY, None))
    session.pop("csrf_token", None)
    flash(_("You signed out."), "info")
    return redirect(url_for("portal.login"))


@bp.post("/language")
@login_required
def set_language():
    """The switch in the top bar: the customer's pages in Spanish or English from now on, kept with his account."""
    language.set_customer_language(g.account.id, request.form.get("language", ""))
    return redirect(local_path(request.form.get("back"), url_for("portal.tickets")))


@bp.route("/signup", methods=["GET", "POST"])
@limit("PORTAL_LIMIT_SIGNUP")
def signup():
    errors, form = {}, request.form
    if request.method == "POST":
        if form.get("password", "") != form.get("password2", ""):
            errors = {"password2": [_("The passwords do not match.")]}
        else:
            try:
                customer_auth_service.sign_up(form.get("customer_number", ""), form.get("email", ""),
                                              form.get("password", ""), _link("portal.verify"))
            except ValidationFailed as err:
                errors = err.errors
            else:
                return render_template("portal/signup_sent.html", support_email=brand.support_email(),
                                       support_phone=brand.support_phone(),
                                       verify_hours=current_app.config["PORTAL_VERIFY_HOURS"])
    return render_template("portal/signup.html", errors=errors, form=form), 422 if errors else 200


@bp.get("/verify/<token>")
def verify(token: str):
    if customer_auth_service.verify(token):
        flash(_("Your account is active. Sign in."), "success")
        return redirect(url_for("portal.login"))
    return render_template("portal/error.html", title=_("Link not valid"),
                           message=_("This link is not valid or expired. Sign up again to get a new one.")), 400


@bp.route("/reset", methods=["GET", "POST"])
@limit("PORTAL_LIMIT_RESET")
def reset_request():
    if request.method == "POST":
        customer_auth_service.request_reset(request.form.get("email", ""), _link("portal.reset"))
        return render_template("portal/message.html", title=_("Check your e-mail"), message=_(
            "If an account uses that address, we sent it a link to choose a new password."))
    return render_template("portal/reset_request.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limit("PORTAL_LIMIT_RESET")
def reset(token: str):
    errors = {}
    if request.method == "POST":
        if request.form.get("password", "") != request.form.get("password2", ""):
            errors = {"password2": [_("The passwords do not match.")]}
        else:
            try:
                customer_auth_service.reset_password(token, request.form.get("password", ""))
            except ValidationFailed as err:
                errors = err.errors or {"password": [err.message]}
            else:
                session.pop(SESSION_KEY, None)
                flash(_("Your password changed. Sign in with the new one."), "success")
                return redirect(url_for("portal.login"))
    return render_template("portal/reset.html", errors=errors), 422 if errors else 200


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    errors = {}
    if request.method == "POST":
        try:
            customer_auth_service.set_notify_by(g.account.id, request.form.get("notify_by", ""))
        except ValidationFailed as err:
            errors = err.errors
        else:
            flash(_("Your preference was saved."), "success")
            return redirect(url_for("portal.preferences"))
    choices = {"email": _("By e-mail"), "portal": _("Only here in the portal"), "both": _("Both")}
    return render_template("portal/preferences.html", errors=errors,
                           choices=[(c, choices[c]) for c in NOTIFY_CHOICES]), 422 if errors else 200
