"""Administration (admins only): staff users — roles, teams, whether they may sign in, passwords — and teams."""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.accounts import admin_service
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/admin/users")
def admin_users():
    q = request.args.get("q", "").strip()
    return render_template("staff/admin_users.html", users=admin_service.user_list(q, staff_user()), q=q,
                           role_labels=role_labels())


@bp.get("/admin/users/new")
def admin_new_user():
    return _render_user(admin_service.new_user_page(staff_user()))


@bp.post("/admin/users/new")
def admin_create_user():
    new = admin_service.NewUser(**_details(request.form, active=True), username=request.form.get("username", ""),
                                password=request.form.get("password", ""),
                                password_confirm=request.form.get("password_confirm", ""))
    try:
        user = admin_service.create_user(new, staff_user())
    except ValidationFailed as err:  # the input comes back, but never the passwords
        form = {k: v for k, v in asdict(new).items() if k not in ("password", "password_confirm")}
        return _render_user(admin_service.new_user_page(staff_user()), form, err.errors, err.message), 422
    flash(_("User %(username)s created.", username=user.username), "success")
    return redirect(url_for("staff.admin_user", user_id=user.id))


@bp.get("/admin/users/<int:user_id>")
def admin_user(user_id: int):
    return _render_user(admin_service.user_page(user_id, staff_user()))


@bp.post("/admin/users/<int:user_id>")
def admin_update_user(user_id: int):
    details = admin_service.UserDetails(**_details(request.form, active="active" in request.form))
    try:
        user = admin_service.update_user(user_id, details, staff_user())
    except ValidationFailed as err:
        return _render_user(admin_service.user_page(user_id, staff_user()), asdict(details), err.errors,
                            err.message), 422
    flash(_("Changes to %(username)s saved.", username=user.username), "success")
    return redirect(url_for("staff.admin_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/password")
def admin_reset_password(user_id: int):
    try:
        user = admin_service.reset_password(user_id, request.form.get("password", ""),
                                            request.form.get("password_confirm", ""), staff_user())
    except ValidationFailed as err:
        return _render_user(admin_service.user_page(user_id, staff_user()), password_errors=err.errors), 422
    flash(_("New password set for %(username)s; the sessions open with the old one have ended.",
            username=user.username), "success")
    return redirect(url_for("staff.admin_user", user_id=user.id))


@bp.get("/admin/teams")
def admin_teams():
    return render_template("staff/admin_teams.html", rows=admin_service.team_list(staff_user()), form={}, errors={})


@bp.post("/admin/teams")
def admin_create_team():
    form = {"code": request.form.get("code", ""), "name": request.form.get("name", "")}
    try:
        team = admin_service.create_team(form["code"], form["name"], staff_user())
    except ValidationFailed as err:
        return render_template("staff/admin_teams.html", rows=admin_service.team_list(staff_user()), form=form,
                               errors=err.errors, message=err.message), 422
    flash(_("Team %(name)s created.", name=team.name), "success")
    return redirect(url_for("staff.admin_team", team_id=team.id))


@bp.get("/admin/teams/<int:team_id>")
def admin_team(team_id: int):
    page = admin_service.team_page(team_id, staff_user())
    return render_template("staff/admin_team.html", page=page, form={"name": page.team.name}, errors={})


@bp.post("/admin/teams/<int:team_id>")
def admin_rename_team(team_id: int):
    form = {"name": request.form.get("name", "")}
    try:
        team = admin_service.rename_team(team_id, form["name"], staff_user())
    except ValidationFailed as err:
        return render_template("staff/admin_team.html", page=admin_service.team_page(team_id, staff_user()),
                               form=form, errors=err.errors, message=err.message), 422
    flash(_("Team renamed to %(name)s.", name=team.name), "success")
    return redirect(url_for("staff.admin_team", team_id=team_id))


@bp.post("/admin/teams/<int:team_id>/members")
def admin_add_member(team_id: int):
    try:
        user = admin_service.add_member(team_id, request.form.get("username", ""), staff_user())
    except ValidationFailed as err:
        flash(" ".join(m for msgs in err.errors.values() for m in msgs) or err.message, "error")
    else:
        flash(_("%(name)s joined the team.", name=user.full_name), "success")
    return redirect(url_for("staff.admin_team", team_id=team_id))


@bp.post("/admin/teams/<int:team_id>/members/<int:user_id>/remove")
def admin_remove_member(team_id: int, user_id: int):
    user = admin_service.remove_member(team_id, user_id, staff_user())
    flash(_("%(name)s left the team.", name=user.full_name), "success")
    return redirect(url_for("staff.admin_team", team_id=team_id))


def role_labels() -> dict:
    return {"agent": _("Contact-center agent"), "technician": _("Technician"), "supervisor": _("Supervisor"),
            "approver": _("Approver"), "analyst": _("Process analyst"), "admin": _("Administrator")}


def _details(form, *, active: bool) -> dict:
    return {"full_name": form.get("full_name", ""), "email": form.get("email", ""), "roles": form.getlist("roles"),
            "teams": form.getlist("teams"), "active": active}


def _render_user(page, form=None, errors=None, message=None, password_errors=None):
    return render_template("staff/admin_user.html", page=page, form=form or asdict(page.details),
                           errors=errors or {}, message=message, password_errors=password_errors or {},
                           role_labels=role_labels(), min_password=admin_service.MIN_PASSWORD_LENGTH)
