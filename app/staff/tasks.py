"""The task list and the task page: claim, release, reassign, complete."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from app.errors import Conflict, ValidationFailed
from app.i18n import _
from app.services.cases import task_query, task_service
from app.services.submissions import idempotency
from app.staff import bp, schema_form
from app.staff.auth import staff_user

FILTERS = ("scope", "q", "process", "task", "priority", "sla", "team", "channel", "date_from", "date_to", "sort")


@bp.get("/tasks")
def tasks():
    query = _task_query(request.args)
    page = task_service.search_tasks(staff_user(), query)
    return render_template("staff/tasks.html", page=page, query=query, scopes=task_query.SCOPES,
                           sorts=task_query.SORTS, sla_states=task_query.SLA_STATES,
                           page_sizes=task_query.PAGE_SIZES)


@bp.get("/tasks/<task_id>")
def task(task_id: str):
    return _render_task(task_service.task_page(task_id, staff_user()))


@bp.post("/tasks/<task_id>")
def complete(task_id: str):
    """Once per form (a double click or Back + resubmit completes it once), then Post/Redirect/Get. A task
    completed or taken by someone else meanwhile answers its read-only page, with what was typed."""
    user = staff_user()
    page = task_service.task_page(task_id, user)
    data, raw, uploads = schema_form.parse(page.schema, request.form, request.files)

    def work() -> idempotency.Outcome:
        done = task_service.complete_task(task_id, data, user, uploads=uploads)
        return idempotency.Outcome(location=url_for("staff.ticket", number=done.ticket.number))

    try:
        done = idempotency.once_form("staff", str(user.id), request.form, work)
    except ValidationFailed as err:  # the page lists the errors above the form and beside each field
        return _render_task(task_service.task_page(task_id, user), raw, err.errors), 422
    except Conflict as err:
        flash(err.message, "error")
        return _render_task(task_service.task_page(task_id, user), unsent=raw), 409
    flash(_("Task %(task)s completed.", task=page.task.title), "success")
    return redirect(done.location)


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str):
    task_service.claim(task_id, staff_user())
    flash(_("The task is yours."), "success")
    return redirect(url_for("staff.task", task_id=task_id))


@bp.post("/tasks/<task_id>/release")
def release(task_id: str):
    task_service.release(task_id, staff_user())
    flash(_("The task went back to its team."), "success")
    return redirect(request.form.get("back") == "list" and url_for("staff.tasks") or
                    url_for("staff.task", task_id=task_id))


@bp.post("/tasks/<task_id>/reassign")
def reassign(task_id: str):
    try:
        task = task_service.reassign(task_id, request.form.get("assignee", ""), staff_user())
    except ValidationFailed as err:
        flash(" ".join(m for msgs in err.errors.values() for m in msgs) or err.message, "error")
        return redirect(url_for("staff.task", task_id=task_id))
    flash(_("Task reassigned to %(name)s.", name=task.assignee.full_name), "success")
    return redirect(url_for("staff.task", task_id=task_id))


def _render_task(page, raw=None, errors=None, unsent=None):
    raw = raw if raw is not None else page.prefill
    fields = schema_form.fields(page.schema, raw, errors, slots=page.slots)
    return render_template("staff/task.html", page=page, fields=fields,
                           errors=errors or {}, describe=schema_form.describe, unsent=unsent)


def _task_query(args) -> task_query.TaskQuery:
    values = {name: args.get(name, "").strip() for name in FILTERS if args.get(name, "").strip()}
    for name in ("date_from", "date_to"):
        values[name] = _date(values.get(name))
    return task_query.TaskQuery(**values, after=args.get("after", "").strip(), per_page=_int(args.get("per_page"), 25))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default
