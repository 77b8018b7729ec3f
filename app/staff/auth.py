"""Sign-in and sign-out. The session cookie carries an opaque token of a server-side session
(``StaffSession``): expiring or signing out ends it on the server."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, flash, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from app.errors import Unauthorized
from app.i18n import _, _l
from app.models import User
from app.ratelimit import limit
from app.safe_redirect import back_after_sign_in, local_path
from app.services.accounts import language, staff_auth_service
from app.staff import bp

login_manager = LoginManager()


class Principal:
    """The signed-in staff member as Flask-Login sees him: his session token and his ``User``."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, token: str, user: User):
        self.token, self.user = token, user

    def get_id(self) -> str:
        return self.token


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    # The cookie dies with the server-side session's idle timeout (StaffSession is the authority).
    app.permanent_session_lifetime = timedelta(minutes=app.config["STAFF_SESSION_IDLE_MINUTES"])
    app.before_request(_forget_cached_user)


def _forget_cached_user() -> None:
    """Flask-Login caches the user, and Flask-WTF the CSRF token, in ``g``; a request run inside an outer
    app context (tests, CLI) shares that ``g``, so the previous request's must not carry over."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@login_manager.unauthorized_handler
def _sign_in_first():
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("staff.login", next=back_after_sign_in(request)))


@login_manager.user_loader
def _load(token: str) -> Principal | None:
    user = staff_auth_service.session_user(token)
    return Principal(token, user) if user else None


@bp.route("/login", methods=["GET", "POST"])
@limit("STAFF_LIMIT_LOGIN")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    error = None
    if request.method == "POST":
        try:
            token, user = staff_auth_service.sign_in(request.form.get("username", ""), request.form.get("password", ""))
        except Unauthorized as err:
            error = err.message
        else:
            session.clear()  # no state carried over from before signing in (session fixation)
            session.permanent = True
            login_user(Principal(token, user))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("staff/login.html", error=error,
                           username=request.form.get("username", "")), 401 if error else 200


@bp.errorhandler(429)
def _too_many(_err):
    return render_template("staff/login.html", username="", error=_(
        "Too many attempts in a short time. Wait a few minutes and try again.")), 429


@bp.post("/logout")
@login_required
def logout():
    staff_auth_service.sign_out(current_user.token)
    logout_user()
    session.clear()
    flash(_("You signed out."), "info")
    return redirect(url_for("staff.login"))


@bp.post("/language")
@login_required
def set_language():
    """The switch in the top bar: this user's pages in Spanish or English from now on, kept with him."""
    language.set_staff_language(current_user.user.id, request.form.get("language", ""))
    return redirect(local_path(request.form.get("back"), url_for("staff.tasks")))


def _safe_next(target: str | None) -> str:
    return local_path(target, url_for("staff.home"))


def staff_user() -> User:
    return current_user.user

