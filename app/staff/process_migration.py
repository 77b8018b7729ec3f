"""Moving running tickets of a process to another of its versions (process analysts): a dry run, then the
move, each ticket's outcome listed."""
from __future__ import annotations

from flask import render_template, request

from app.errors import ValidationFailed
from app.services.processes import migration, process_service
from app.staff import bp
from app.staff.auth import staff_user


@bp.route("/processes/<process_id>/migrate", methods=["GET", "POST"])
def process_migration(process_id: str):
    user = staff_user()
    versions = [v for v in process_service.versions(user) if v.process_id == process_id]
    form, errors, report = request.form, {}, None
    if request.method == "POST":
        version = form.get("version", "")
        numbers = form.get("tickets", "").replace(",", " ").split() or None
        try:
            if not (version.isascii() and version.isdigit()):
                raise ValidationFailed("", errors={"version": [migration.choose_version_message()]})
            if form.get("action") == "migrate":
                report = migration.migrate(process_id, int(version), numbers, user, form.get("reason", ""))
            else:
                report = migration.dry_run(process_id, int(version), numbers, user)
        except ValidationFailed as err:
            errors = err.errors
    return render_template("staff/process_migration.html", process_id=process_id, versions=versions, form=form,
                           errors=errors, report=report), (422 if errors else 200)
