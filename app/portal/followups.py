"""Self-service follow-up (insistencia) from the earlier ticket's page: the same analysis and table as the
contact center; the customer files his own follow-up when the result says so."""
from __future__ import annotations

from flask import render_template, request

from app.errors import ValidationFailed
from app.portal import bp, limit
from app.portal.auth import customer_id, login_required
from app.services.followups import filing


@bp.get("/tickets/<ref>/insistencia")
@login_required
def followup(ref: str):
    disagrees = request.args.get("reason") == "disagree"
    return render_template("portal/followup.html", result=filing.evaluate_for_customer(customer_id(), ref, disagrees),
                           disagrees=disagrees, comment="", errors={})


@bp.post("/tickets/<ref>/insistencia")
@login_required
@limit("PORTAL_LIMIT_NEW_TICKET")
def file_followup(ref: str):
    disagrees = request.form.get("reason") == "disagree"
    comment = request.form.get("comment", "")
    try:
        result = filing.file_by_customer(customer_id(), ref, disagrees, comment)
    except ValidationFailed as err:
        return render_template("portal/followup.html",
                               result=filing.evaluate_for_customer(customer_id(), ref, disagrees),
                               disagrees=disagrees, comment=comment, errors=err.errors), 422
    return render_template("portal/followup_done.html", result=result), 201 if result.followup else 200
