"""Webhook endpoints (admins only): the receivers a ``notify`` task may POST its notice to, and their secret."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.processes import webhooks
from app.staff import bp
from app.staff.auth import staff_user


def _form(code: str = "") -> webhooks.EndpointForm:
    return webhooks.EndpointForm(code=code or request.form.get("code", ""), url=request.form.get("url", ""),
                                 secret=request.form.get("secret", ""), active="active" in request.form)


@bp.get("/admin/webhooks")
def admin_webhooks():
    return _render()


@bp.post("/admin/webhooks")
def admin_create_webhook():
    form = _form()
    try:
        row = webhooks.create_endpoint(form, staff_user())
    except ValidationFailed as err:
        return _render(new_form=vars(form), new_errors=err.errors, message=err.message), 422
    flash(_("Webhook %(code)s saved.", code=row.code), "success")
    return redirect(url_for("staff.admin_webhooks"))


@bp.post("/admin/webhooks/<code>")
def admin_update_webhook(code: str):
    form = _form(code)
    try:
        webhooks.update_endpoint(code, form, staff_user())
    except ValidationFailed as err:
        return _render(forms={code: vars(form)}, errors={code: err.errors}, message=err.message), 422
    flash(_("Webhook %(code)s saved.", code=code), "success")
    return redirect(url_for("staff.admin_webhooks"))


def _render(*, new_form=None, new_errors=None, forms=None, errors=None, message=None):
    return render_template("staff/admin_webhooks.html", endpoints=webhooks.endpoint_list(staff_user()),
                           new_form=new_form or {"active": True}, new_errors=new_errors or {}, forms=forms or {},
                           errors=errors or {}, message=message)
