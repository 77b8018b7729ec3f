"""The customer's claims (reclamaciones): his invoices, filing a claim on one, his claims and their lines."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.portal import bp, limit
from app.portal.auth import customer_id, login_required
from app.services.claims import portal as claims_portal


@bp.get("/claims")
@login_required
def claims():
    return render_template("portal/claims.html", claims=claims_portal.claims(customer_id()),
                           invoices=claims_portal.invoices(customer_id()))


@bp.route("/invoices/<number>/claim", methods=["GET", "POST"])
@login_required
@limit("PORTAL_LIMIT_NEW_TICKET")
def claim_invoice(number: str):
    invoice, errors, form = claims_portal.invoice(customer_id(), number), {}, request.form
    if request.method == "POST":
        picks = {ref: form.get(f"amount_{ref}") for ref in form.getlist("line")}
        try:
            ticket = claims_portal.file_claim(customer_id(), number, picks, form.get("reason_code", ""),
                                              form.get("notes", ""))
        except ValidationFailed as err:
            errors = err.errors or {"lines": [err.message]}
        else:
            return redirect(url_for("portal.claim", number=ticket.number))
    return render_template("portal/claim_new.html", invoice=invoice, errors=errors, form=form,
                           reasons=claims_portal.reasons()), 422 if errors else 200


@bp.get("/claims/<number>")
@login_required
def claim(number: str):
    return render_template("portal/claim.html", page=claims_portal.claim_page(customer_id(), number),
                           poll_seconds=current_app.config["PORTAL_POLL_SECONDS"])
