"""Administration of follow-ups (admins only): the typified subjects and which lines of business are
self-service. Loaded from processes/followups/ at deploy; a deploy never overwrites what is saved here."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.followups import lines, subjects
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/admin/followups")
def admin_followups():
    return render_template("staff/admin_followups.html", page=subjects.admin_page(staff_user()), errors={},
                           editing=request.args.get("subject", ""))


@bp.post("/admin/followups/subjects/<code>")
def admin_update_subject(code: str):
    form = request.form
    edit = subjects.SubjectEdit(
        label=form.get("label", ""), description=form.get("description", ""), category=form.get("category", ""),
        team_code=form.get("team_code", ""), priority=form.get("priority", ""),
        document_class=form.get("document_class", ""), channels=form.getlist("channels"),
        in_person_as=form.get("in_person_as", ""), non_customers="non_customers" in form, active="active" in form)
    try:
        subjects.update(code, edit, staff_user())
    except ValidationFailed as err:
        return render_template("staff/admin_followups.html", page=subjects.admin_page(staff_user()),
                               errors=err.errors, editing=code, message=err.message), 422
    flash(_("Subject %(code)s saved.", code=code), "success")
    return redirect(url_for("staff.admin_followups"))


@bp.post("/admin/followups/lines/<code>")
def admin_update_line(code: str):
    lines.set_self_service(code, request.form.get("self_service") == "yes", staff_user())
    flash(_("Line of business %(code)s saved.", code=code), "success")
    return redirect(url_for("staff.admin_followups"))
