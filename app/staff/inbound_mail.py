"""Inbound mail that needs a person (supervisors, administrators): the list, one raw mail, "process again"."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.i18n import _, _l
from app.services.mail import inbound_review_service
from app.staff import bp
from app.staff.auth import staff_user

STATUSES = {"ignored": _l("Ignored"), "held": _l("Held"), "failed": _l("Failed"), "received": _l("Unprocessed"),
            "processed": _l("Processed")}
REASONS = {"automatic": _l("Automatic mail"), "own_address": _l("Sent from our own address"),
           "rate_limited": _l("Too many new tickets from this sender in an hour"),
           "bounce": _l("A bounce of no mail of ours")}
OUTCOMES = {"created": _l("A ticket was opened."), "comment": _l("It was added to its ticket."),
            "delivered": _l("It answered its ticket."), "bounce": _l("It was noted as a bounce."),
            "ignored": _l("It was ignored again."), "held": _l("It is held again."),
            "failed": _l("It failed again: see the error."), "skipped": _l("It was already being processed.")}


@bp.get("/mail")
def inbound_mail():
    status = request.args.get("status", "")
    rows, total = inbound_review_service.unhandled(staff_user(), status)
    return render_template("staff/inbound_mail.html", rows=rows, total=total, status=status, statuses=STATUSES,
                           reasons=REASONS)


@bp.get("/mail/<int:inbound_id>")
def inbound_mail_raw(inbound_id: int):
    mail = inbound_review_service.raw_mail(inbound_id, staff_user())
    return render_template("staff/inbound_mail_raw.html", mail=mail, statuses=STATUSES, reasons=REASONS)


@bp.post("/mail/<int:inbound_id>/reprocess")
def inbound_mail_reprocess(inbound_id: int):
    outcome = inbound_review_service.reprocess(inbound_id, staff_user())
    flash(_("Mail #%(id)s processed again. %(outcome)s", id=inbound_id, outcome=OUTCOMES.get(outcome, outcome)),
          "error" if outcome == "failed" else "success")
    return redirect(url_for("staff.inbound_mail_raw", inbound_id=inbound_id))
