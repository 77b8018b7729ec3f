"""Administration of the case data (admins only): the category tree and each kind's statuses."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.cases import categories, kinds
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/admin/categories")
def admin_categories():
    return render_template("staff/admin_categories.html", tree=categories.admin_tree(staff_user()),
                           kind_labels=kinds.kind_labels(), form={}, errors={})


@bp.post("/admin/categories")
def admin_create_category():
    """A new node: level 1 from the tree page, a child from its parent's page (``parent_id``)."""
    parent_id = request.form.get("parent_id", type=int)
    form = {"label": request.form.get("label", ""), "code": request.form.get("code", "")}
    try:
        node = categories.create_category(parent_id, form["label"], form["code"], staff_user())
    except ValidationFailed as err:
        if parent_id is None:
            return render_template("staff/admin_categories.html", tree=categories.admin_tree(staff_user()),
                                   kind_labels=kinds.kind_labels(), form=form, errors=err.errors,
                                   message=err.message), 422
        return _render_category(parent_id, child_form=form, child_errors=err.errors, message=err.message), 422
    flash(_("Category %(label)s created.", label=node.label), "success")
    return redirect(url_for("staff.admin_category", category_id=node.id))


@bp.get("/admin/categories/<int:category_id>")
def admin_category(category_id: int):
    return _render_category(category_id)


@bp.post("/admin/categories/<int:category_id>")
def admin_update_category(category_id: int):
    details = categories.CategoryDetails(
        label=request.form.get("label", ""), active="active" in request.form, kinds=request.form.getlist("kinds"),
        team=request.form.get("team", ""), priority=request.form.get("priority", ""))
    try:
        node = categories.update_category(category_id, details, staff_user())
    except ValidationFailed as err:
        return _render_category(category_id, form=vars(details), errors=err.errors, message=err.message), 422
    flash(_("Changes to %(label)s saved.", label=node.label), "success")
    return redirect(url_for("staff.admin_category", category_id=category_id))


@bp.get("/admin/kinds")
def admin_kinds():
    return render_template("staff/admin_kinds.html", kinds=kinds.kind_list(staff_user()))


@bp.get("/admin/kinds/<code>")
def admin_kind(code: str):
    return render_template("staff/admin_kind.html", kind=kinds.kind_page(code, staff_user()), forms={}, errors={})


@bp.post("/admin/kinds/<code>/statuses/<status>")
def admin_update_status(code: str, status: str):
    form = {"label": request.form.get("label", ""), "customer_label": request.form.get("customer_label", ""),
            "public": "public" in request.form, "notify_customer": "notify_customer" in request.form}
    try:
        row = kinds.update_status(code, status, actor=staff_user(), **form)
    except ValidationFailed as err:
        return render_template("staff/admin_kind.html", kind=kinds.kind_page(code, staff_user()),
                               forms={status: form}, errors={status: err.errors}, message=err.message), 422
    flash(_("Status %(label)s saved.", label=row.label), "success")
    return redirect(url_for("staff.admin_kind", code=code))


def _render_category(category_id: int, *, form=None, errors=None, message=None, child_form=None,
                     child_errors=None):
    page = categories.category_page(category_id, staff_user())
    node = page.category
    current = {"label": node.label, "active": node.active, "kinds": node.kinds or [],
               "team": node.default_team.code if node.default_team else "", "priority": node.default_priority or ""}
    return render_template("staff/admin_category.html", page=page, form=form or current, errors=errors or {},
                           message=message, child_form=child_form or {}, child_errors=child_errors or {})
