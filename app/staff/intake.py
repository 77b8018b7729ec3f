"""Phone and social-media intake: find the caller or register him, take the complaint, read back its number."""
from __future__ import annotations

from dataclasses import fields

from flask import redirect, render_template, request, url_for

from app.errors import Conflict, ValidationFailed
from app.services.accounts import customer_service
from app.services.cases import ticket_view_service
from app.services.submissions import idempotency
from app.staff import bp
from app.staff.auth import staff_user

INTAKE_FIELDS = [f.name for f in fields(customer_service.Intake)]


@bp.get("/intake")
def intake():
    found, picked = customer_service.intake_context(request.args.get("caller", ""),
                                                    request.args.get("customer_number", ""), staff_user())
    return render_template("staff/intake.html", found=found, searched="caller" in request.args, picked=picked,
                           form={"customer_number": picked.number if picked else "", "channel": "phone"},
                           errors={})


@bp.post("/intake")
def take_complaint():
    """Once per form: a double click or Back + resubmit lands on the ticket the first submission opened."""
    form = {name: request.form.get(name, "") for name in INTAKE_FIELDS}
    user = staff_user()

    def register() -> idempotency.Outcome:
        ticket = customer_service.take_complaint(customer_service.Intake(**form), user)
        return idempotency.Outcome(location=url_for("staff.intake_done", number=ticket.number))

    try:
        done = idempotency.once_form("staff", str(user.id), request.form, register)
    except (ValidationFailed, Conflict) as err:
        return render_template("staff/intake.html", found=[], searched=False, picked=None, form=form,
                               errors=err.errors, message=err.message), err.status
    return redirect(done.location)


@bp.get("/intake/<number>")
def intake_done(number: str):
    return render_template("staff/intake_done.html",
                           ticket=ticket_view_service.visible_ticket(number, staff_user()))
