"""The ticket page: header, timeline, internal comments, open tasks and the process diagram."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, send_file, url_for

from app.errors import Conflict, ValidationFailed
from app.i18n import _
from app.services.cases import answers, comment_service, message_service, ticket_view_service
from app.services.mail import mail_reply_service
from app.services.submissions import idempotency
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/tickets/<number>")
def ticket(number: str):
    # ``before``: the keyset of an older page of the timeline ("Show earlier"); anything else is the newest.
    page = ticket_view_service.ticket_page(number, staff_user(), request.args.get("before", type=int))
    return render_template("staff/ticket.html", page=page)


@bp.post("/tickets/<number>/comments")
def comment(number: str):
    try:
        comment_service.add_internal_comment(number, request.form.get("text", ""), staff_user())
    except ValidationFailed as err:
        flash(" ".join(m for msgs in err.errors.values() for m in msgs), "error")
    else:
        flash(_("Internal comment added."), "success")
    return redirect(url_for("staff.ticket", number=number, _anchor="timeline"))


@bp.get("/tickets/<number>/diagrams/<int:version_id>.bpmn")
def diagram(number: str, version_id: int):
    xml = ticket_view_service.diagram_xml(number, version_id, staff_user())
    return Response(xml, mimetype="application/xml")


@bp.post("/tickets/<number>/attachments")
def attach(number: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to attach."), "error")
    else:
        try:
            comment_service.attach_file(number, upload.filename, upload.read(), staff_user())
        except ValidationFailed as err:
            flash(err.message, "error")
        else:
            flash(_("File attached."), "success")
    return redirect(url_for("staff.ticket", number=number, _anchor="attachments"))


@bp.get("/tickets/<number>/attachments/<int:attachment_id>")
def download(number: str, attachment_id: int):
    attachment, path = ticket_view_service.attachment_download(number, attachment_id, staff_user())
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.original_name)


@bp.post("/tickets/<number>/reply")
def reply(number: str):
    try:
        mail_reply_service.reply_to_customer(number, request.form.get("text", ""), staff_user())
    except ValidationFailed as err:
        flash(" ".join(m for msgs in err.errors.values() for m in msgs) or err.message, "error")
    else:
        flash(_("Your answer was queued for the customer."), "success")
    return redirect(url_for("staff.ticket", number=number, _anchor="timeline"))


@bp.post("/tickets/<number>/customer-messages")
def customer_message(number: str):
    """What the customer said by phone (and files she sent), recorded in her name: the answer to a waiting
    question, else a message for the assignee."""
    files = [(f.filename, f.read()) for f in request.files.getlist("attachments") if f and f.filename]
    user = staff_user()

    def record() -> idempotency.Outcome:  # once per form: a double click records one message
        message_service.post_on_behalf(number, request.form.get("text", ""), user, files)
        return idempotency.Outcome(location=url_for("staff.ticket", number=number, _anchor="timeline"))

    try:
        done = idempotency.once_form("staff", str(user.id), request.form, record)
    except (ValidationFailed, Conflict) as err:  # the page again, with what was typed and why it was refused
        return render_template("staff/ticket.html", page=ticket_view_service.ticket_page(number, user),
                               phone_errors=err.errors or {"text": [err.message]},
                               phone_text=request.form.get("text", "")), 422
    flash(_("The customer's message was recorded."), "success")
    return redirect(done.location, 303)


@bp.post("/tickets/<number>/answers")
def mark_answer(number: str):
    """A staff reply on the timeline becomes the ticket's answer from the responsible area."""
    answers.mark_reply_as_answer(number, request.form.get("event_id", type=int) or 0, staff_user())
    flash(_("The reply is now the answer of the ticket."), "success")
    return redirect(url_for("staff.ticket", number=number, _anchor="answer"))
