"""The customer's visit: move the appointment to another free slot (as often as the team's agenda allows)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import Conflict, ValidationFailed
from app.i18n import _
from app.portal import bp
from app.portal.auth import customer_id, login_required
from app.services.visits import booking
from app.staff import schema_form

# The slot choice, as the appointment forms offer it (one radio per free slot).
SLOT_SCHEMA = {"x-appointment": {"date": "visit_date", "window": "visit_window"},
               "properties": {"visit_date": {}, "visit_window": {}}}


@bp.route("/tickets/<ref>/visit", methods=["GET", "POST"])
@login_required
def reschedule_visit(ref: str):
    errors, chosen = {}, request.form.get(schema_form.SLOT_FIELD, "")
    if request.method == "POST":
        day, _sep, window = chosen.partition(" ")
        try:
            booking.reschedule(customer_id(), ref, day, window)
        except ValidationFailed as err:
            errors = err.errors
        except Conflict as err:
            flash(err.message, "error")
            return redirect(url_for("portal.ticket", ref=ref))
        else:
            flash(_("Done: the visit has a new date. We sent you a confirmation."), "success")
            return redirect(url_for("portal.ticket", ref=ref), 303)
    try:
        ticket, booked, free = booking.reschedule_slots(customer_id(), ref)
    except Conflict as err:
        flash(err.message, "error")
        return redirect(url_for("portal.ticket", ref=ref))
    fields = schema_form.fields(SLOT_SCHEMA, {schema_form.SLOT_FIELD: chosen}, errors, slots=free)
    return render_template("portal/visit.html", ticket=ticket, booked=booked, fields=fields,
                           errors=errors), 422 if errors else 200
