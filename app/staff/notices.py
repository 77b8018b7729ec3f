"""Notice templates (process analysts): the list, a new notice, and the editor with a live preview against a
ticket. The ``notify`` tasks of the diagrams send them by name."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for

from app.errors import DomainError, ValidationFailed
from app.i18n import _
from app.services.processes import notices
from app.staff import bp
from app.staff.auth import staff_user


def _text() -> notices.NoticeText:
    return notices.NoticeText(subject=request.form.get("subject", ""), body=request.form.get("body", ""),
                              description=request.form.get("description", ""))


@bp.get("/notices")
def notice_list():
    return render_template("staff/notices.html", templates=notices.template_list(staff_user()), form={}, errors={})


@bp.post("/notices")
def notice_create():
    form = {"name": request.form.get("name", ""), **vars(_text())}
    try:
        row = notices.create_template(form["name"], _text(), staff_user())
    except ValidationFailed as err:
        return render_template("staff/notices.html", templates=notices.template_list(staff_user()), form=form,
                               errors=err.errors, message=err.message), 422
    flash(_("Notice %(name)s created.", name=row.name), "success")
    return redirect(url_for("staff.notice_edit", name=row.name))


@bp.get("/notices/<name>")
def notice_edit(name: str):
    row = notices.get_template(name, staff_user())
    return _render(row, {"subject": row.subject, "body": row.body, "description": row.description})


@bp.post("/notices/<name>")
def notice_save(name: str):
    """Save a new version, or (the "preview" button, for browsers without JavaScript) only show the preview."""
    row = notices.get_template(name, staff_user())
    form = {**vars(_text()), "ticket": request.form.get("ticket", "")}
    if request.form.get("action") == "preview":
        return _render(row, form, preview=True)
    try:
        notices.save_template(name, _text(), staff_user())
    except ValidationFailed as err:
        return _render(row, form, errors=err.errors, message=err.message, status=422)
    flash(_("Notice %(name)s saved: the notify tasks send this text from now on.", name=name), "success")
    return redirect(url_for("staff.notice_edit", name=name))


@bp.post("/notices/-/preview")  # "-" is in no notice name
def notice_preview():
    """The live preview of the editor (JSON): the rendered subject and body, or the errors to show."""
    try:
        shown = notices.preview(_text(), request.form.get("ticket", ""), staff_user())
    except ValidationFailed as err:
        return jsonify(message=err.message, errors=err.errors), 422
    except DomainError as err:  # a ticket the analyst may not see reads as not found
        return jsonify(message=err.message, errors={"ticket": [err.message]}), err.status
    return jsonify(subject=shown.subject, body=shown.body, ticket=shown.ticket_number)


def _render(row, form: dict, *, preview: bool = False, errors=None, message=None, status: int = 200):
    shown, preview_errors = None, {}
    if preview or not errors:
        try:
            shown = notices.preview(notices.NoticeText(form["subject"], form["body"], form.get("description", "")),
                                    form.get("ticket", ""), staff_user())
        except ValidationFailed as err:
            preview_errors = err.errors
        except DomainError as err:
            preview_errors = {"ticket": [err.message]}
    return render_template("staff/notice.html", notice=row, form=form, errors=errors or preview_errors,
                           message=message, shown=shown), status
