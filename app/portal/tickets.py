"""My tickets, a ticket's page (public timeline, live), the customer's tasks, a new complaint, downloads."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, g, jsonify, redirect, render_template, request, send_file, url_for

from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import _
from app.portal import bp, limit
from app.portal.auth import customer_id, login_required
from app.services.cases import kinds, portal_service
from app.services.incidents import device as incident_device
from app.services.incidents import portal as incident_portal
from app.services.incidents.registration import DuplicateFound
from app.services.submissions import idempotency
from app.staff import schema_form


@bp.get("/")
def home():
    return redirect(url_for("portal.tickets" if g.account else "portal.login"))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


@bp.get("/tickets")
@login_required
def tickets():
    args = request.args
    statuses, kind_labels = kinds.customer_status_choices(), kinds.kind_labels()
    flt = portal_service.TicketFilter(
        status=args.get("status", "") if args.get("status") in statuses else "",
        kind=args.get("kind", "") if args.get("kind") in kind_labels else "",
        date_from=_date(args.get("from")), date_to=_date(args.get("to")), text=args.get("q", "")[:100])
    rows = portal_service.list_tickets(customer_id(), flt)
    return render_template("portal/tickets.html", rows=rows, flt=flt, statuses=statuses, kinds=kind_labels)


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
@limit("PORTAL_LIMIT_NEW_TICKET")
def new_ticket():
    """Once per form (a double click or Back + resubmit opens one ticket), then Post/Redirect/Get."""
    form, errors = request.form, {}
    if request.method == "POST":
        files = [(f.filename, f.read()) for f in request.files.getlist("attachments") if f and f.filename]

        def open_complaint() -> idempotency.Outcome:
            ticket = portal_service.open_complaint(
                customer_id(), service_address=form.get("service_address", ""), category=form.get("category", ""),
                description=form.get("description", ""), preferred_contact=form.get("preferred_contact", ""),
                contact=form.get("contact", ""), files=files)
            return idempotency.Outcome(location=url_for("portal.new_done", number=ticket.number))

        try:
            done = idempotency.once_form("portal", str(customer_id()), form, open_complaint)
        except (ValidationFailed, Conflict) as err:
            errors = err.errors or {"description": [err.message]}
        else:
            return redirect(done.location, 303)
    customer = g.account.customer
    defaults = {"service_address": customer.address, "contact": customer.email, "preferred_contact": "email"}
    values = {k: form.get(k, defaults.get(k, "")) for k in
              ("service_address", "category", "description", "preferred_contact", "contact")}
    return render_template("portal/new.html", values=values, errors=errors,
                           categories=portal_service.complaint_categories()), 422 if errors else 200


@bp.get("/tickets/<number>/received")
@login_required
def new_done(number: str):
    return render_template("portal/new_done.html", ticket=portal_service.own_ticket(customer_id(), number))


@bp.route("/incidents/new", methods=["GET", "POST"])
@login_required
@limit("PORTAL_LIMIT_NEW_TICKET")
def new_incident():
    """Register an incident (device, faults, files); an open one of the same device is offered to add to.
    Sent once per form (app/once_forms.py), then Post/Redirect/Get."""
    form, errors, duplicates = request.form, {}, []
    if request.method == "POST":
        files = [(f.filename, f.read()) for f in request.files.getlist("attachments") if f and f.filename]
        try:
            ticket, created = incident_portal.register(customer_id(), form.to_dict(), form.getlist("faults"), files,
                                                       add_to=form.get("add_to", ""))
        except DuplicateFound as err:
            duplicates = err.open_incidents
        except ValidationFailed as err:
            errors = err.errors or {"description": [err.message]}
        else:
            if not created:
                return redirect(url_for("portal.ticket", ref=ticket.number, added=1))
            return redirect(url_for("portal.new_done", number=ticket.number), 303)  # Post/Redirect/Get
    values = {k: form.get(k, "") for k in ("category", "description", "equipment_brand", "equipment_model",
                                           "device_serial", "fault_notes")}
    return render_template("portal/incident_new.html", values=values, errors=errors, duplicates=duplicates,
                           chosen_faults=form.getlist("faults"), faults=incident_device.fault_choices(),
                           categories=incident_portal.categories_for_customers()), 422 if errors else 200


@bp.get("/tickets/<ref>")
@login_required
def ticket(ref: str):
    view = portal_service.ticket_view(customer_id(), ref, request.args.get("before", type=int))
    return render_template("portal/ticket.html", view=view, poll_seconds=current_app.config["PORTAL_POLL_SECONDS"])


@bp.get("/tickets/<ref>/state")
@login_required
def ticket_state(ref: str):
    state, etag = portal_service.live_state(customer_id(), ref)
    when = current_app.jinja_env.filters["when"]  # the same wall time as the page (the office's zone)
    for event in state["events"]:
        event["when"] = when(event.pop("at_datetime"))
    fresh = request.if_none_match.contains(etag)
    response = current_app.response_class(status=304) if fresh else jsonify(state)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache, private"
    return response


@bp.post("/tickets/<ref>/messages")
@login_required
@limit("PORTAL_LIMIT_MESSAGE")
def message(ref: str):
    """The customer writes or sends files on his ticket (the answer, when a technician asked him)."""
    files = [(f.filename, f.read()) for f in request.files.getlist("attachments") if f and f.filename]

    def write() -> idempotency.Outcome:  # once per form: a double click sends one message
        ticket = portal_service.write_message(customer_id(), ref, request.form.get("text", ""), files)
        return idempotency.Outcome(location=url_for("portal.ticket", ref=ticket.number, _anchor="conversation"))

    try:
        done = idempotency.once_form("portal", str(customer_id()), request.form, write)
    except (ValidationFailed, Conflict) as err:
        view = portal_service.ticket_view(customer_id(), ref)
        return render_template("portal/ticket.html", view=view, message_errors=err.errors or {"text": [err.message]},
                               message_text=request.form.get("text", ""),
                               poll_seconds=current_app.config["PORTAL_POLL_SECONDS"]), 422
    flash(_("Your message was sent to the team that handles your report."), "success")
    return redirect(done.location, 303)


def _task(ref: str, task_id: str):
    ticket = portal_service.own_ticket(customer_id(), ref)
    task, schema = portal_service.customer_task(customer_id(), task_id)
    if task.ticket_id != ticket.id:
        raise NotFound(_("Task not found."))
    return ticket, task, schema


@bp.route("/tickets/<ref>/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(ref: str, task_id: str):
    """Once per form, then Post/Redirect/Get; a step already done (here, by phone, or dropped by the process)
    shows what was sent instead of a form, and keeps what was typed into a stale one."""
    ticket, task_row, schema = _task(ref, task_id)
    raw, errors, unsent = {}, {}, None
    if request.method == "POST":
        data, raw, _uploads = schema_form.parse(schema, request.form)

        def work() -> idempotency.Outcome:
            portal_service.complete_customer_task(customer_id(), task_row.id, data)
            if portal_service.own_ticket(customer_id(), ticket.number).survey_score is not None:
                return idempotency.Outcome(location=url_for("portal.thanks", ref=ticket.number))  # the last step
            return idempotency.Outcome(location=url_for("portal.ticket", ref=ticket.number, done=1))

        try:
            done = idempotency.once_form("portal", str(customer_id()), request.form, work)
        except ValidationFailed as err:
            errors = err.errors
        except Conflict as err:
            flash(err.message, "error")
            unsent = raw
            ticket, task_row, schema = _task(ref, task_id)
        else:
            return redirect(done.location)
    status = 409 if unsent is not None else 422 if errors else 200
    fields = schema_form.fields(schema, raw, errors, slots=portal_service.task_slots(ticket, schema))
    return render_template("portal/task.html", ticket=ticket, task=task_row, schema=schema, errors=errors,
                           fields=fields, describe=schema_form.describe, unsent=unsent), status


@bp.get("/tickets/<ref>/thanks")
@login_required
def thanks(ref: str):
    """After the survey: thank the customer (the closing mail thanks him too)."""
    ticket = portal_service.own_ticket(customer_id(), ref)
    if ticket.survey_score is None:
        return redirect(url_for("portal.ticket", ref=ticket.number))
    return render_template("portal/thanks.html", ticket=ticket)


@bp.get("/tickets/<ref>/attachments/<int:attachment_id>")
@login_required
def attachment(ref: str, attachment_id: int):
    ticket = portal_service.own_ticket(customer_id(), ref)
    row, path = portal_service.attachment_download(customer_id(), attachment_id)
    if row.ticket_id != ticket.id:
        raise NotFound(_("Attachment not found."))
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.original_name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
