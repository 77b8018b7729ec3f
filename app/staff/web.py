"""What every staff page shares: sign-in required, domain errors as pages or flashes, the inbox count,
Spanish dates in the office's time zone, and the front-end libraries from node_modules."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.errors import DomainError
from app.i18n import _, format_date, format_datetime
from app.services.cases import inbox_service, kinds
from app.staff import bp
from app.staff.auth import login_manager

PUBLIC_ENDPOINTS = {"staff.login", "staff.vendor", "staff.vendor_dist", "staff.static"}
# Only these files of node_modules are served (the diagram viewer and its styles, the charts).
VENDOR_FILES = {
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "bpmn-navigated-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    "diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
}
# The analyst's modeler: the distributed bundles of these packages with their styles and fonts, kept in
# their folders so that the styles' relative font URLs resolve.
VENDOR_DIRS = {"bpmn-js": "bpmn-js/dist", "dmn-js": "dmn-js/dist"}


@bp.before_request
def _require_sign_in():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.errorhandler(DomainError)
def _domain_error(err: DomainError):
    """A refused action goes back where it came from with the reason; a refused page says why; a script's
    JSON request (the modeler) gets the reason as JSON."""
    if request.is_json:
        return jsonify({"message": err.message, "errors": err.errors}), err.status
    if request.method == "POST":
        flash(err.message, "error")
        return redirect(_back())
    return render_template("staff/error.html", message=err.message), err.status


@bp.errorhandler(CSRFError)
def _csrf_error(_err: CSRFError):
    """A form without its token (forged, or older than the session it came from)."""
    message = _("The form expired or did not come from this site. Reload the page and try again.")
    return render_template("staff/error.html", title=_("The form could not be sent"), message=message,
                           keeps_input=True), 400


@bp.app_template_filter("when")
def _when(value) -> str:
    return format_datetime(value, "d MMM y, HH:mm") if value else "—"


@bp.app_template_filter("day")
def _day(value) -> str:
    return format_date(value, "d MMM y") if value else "—"


@bp.app_context_processor
def _staff_context() -> dict:
    if request.blueprint != "staff" or not current_user.is_authenticated:
        return {}
    return {"me": current_user.user, "unread": inbox_service.unread_count(current_user.user),
            "channel_labels": kinds.channel_labels(),
            "priority_labels": kinds.priority_labels()}


@bp.get("/")
def home():
    """Where a signed-in person starts: a process analyst who works no lane of tasks on the processes page,
    everybody else on the task list."""
    if set(current_user.user.roles) == {"analyst"}:
        return redirect(url_for("staff.processes"))
    return redirect(url_for("staff.tasks"))


@bp.get("/vendor/<name>")
def vendor(name: str):
    if name not in VENDOR_FILES:
        abort(404)
    path = Path(current_app.config["NODE_MODULES_DIR"]) / VENDOR_FILES[name]
    if not path.is_file():
        abort(404)
    return send_from_directory(path.parent, path.name, max_age=3600)


@bp.get("/vendor/<package>/<path:name>")
def vendor_dist(package: str, name: str):
    if package not in VENDOR_DIRS:
        abort(404)
    return send_from_directory(Path(current_app.config["NODE_MODULES_DIR"]) / VENDOR_DIRS[package], name,
                               max_age=3600)


def _back() -> str:
    target = request.referrer or ""
    if target.startswith(request.host_url):
        return target
    return url_for("staff.tasks")
