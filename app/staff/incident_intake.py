"""Taking an incident on a call: the caller's device and faults, the duplicate check, the number read back."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.incidents import call_intake, device
from app.services.incidents.registration import DuplicateFound
from app.staff import bp
from app.staff.auth import staff_user

FIELDS = ("customer_number", "channel", "category", "description", "equipment_brand", "equipment_model",
          "device_serial", "fault_notes")


@bp.route("/intake/incident", methods=["GET", "POST"])
def intake_incident():
    form = {name: request.form.get(name, request.args.get(name, "")) for name in FIELDS}
    form["channel"] = form["channel"] or "phone"
    errors, duplicates = {}, []
    if request.method == "POST":
        files = [(f.filename, f.read()) for f in request.files.getlist("attachments") if f and f.filename]
        values = {**form, "confirm_new": request.form.get("confirm_new", ""), "add_to": request.form.get("add_to", "")}
        try:
            ticket, created = call_intake.take_incident(values, request.form.getlist("faults"), files, staff_user())
        except DuplicateFound as err:
            duplicates = err.open_incidents
        except ValidationFailed as err:
            errors = err.errors
        else:
            if not created:
                flash(_("The call was added to incident %(number)s.", number=ticket.number), "success")
            return redirect(url_for("staff.intake_done", number=ticket.number))
    return render_template("staff/intake_incident.html", form=form, errors=errors, duplicates=duplicates,
                           chosen_faults=request.form.getlist("faults"), faults=device.fault_choices(),
                           categories=call_intake.categories_for_staff()), 422 if errors else 200
