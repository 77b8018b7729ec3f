"""What closed tickets cost (supervisors) and the rates they are priced with (administrators)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import Forbidden, ValidationFailed
from app.i18n import _
from app.services.cases import categories, kinds
from app.services.control import costs
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/costs")
def costs_page():
    user = staff_user()
    if not user.has_role("supervisor"):
        raise Forbidden(_("Only supervisors may read the costs."))
    errors, result = {}, None
    try:
        result = costs.report(costs.page_query(request.args), user)
    except ValidationFailed as err:
        errors = err.errors
    return render_template("staff/costs.html", report=result, errors=errors, form=request.args,
                           kind_labels=kinds.kind_labels(), category_choices=categories.leaf_choices(None),
                           teams=costs.team_choices())


@bp.get("/admin/costs")
def admin_costs():
    return _rates_page(form={}, errors={})


@bp.post("/admin/costs")
def admin_save_costs():
    values = {key: value for key, value in request.form.items() if key != "csrf_token"}
    try:
        changed = costs.update_rates(values, staff_user())
    except ValidationFailed as err:
        return _rates_page(form=values, errors=err.errors), 422
    flash(_("Rates saved: costs are computed with them from now on.") if changed else _("Nothing changed."),
          "success")
    return redirect(url_for("staff.admin_costs"))


def _rates_page(form: dict, errors: dict) -> str:
    rows = costs.rate_rows(staff_user())
    values = {r.code: form.get(r.code, r.amount) for r in rows}
    return render_template("staff/admin_costs.html", rows=rows, values=values, errors=errors,
                           label=costs.rate_label)
