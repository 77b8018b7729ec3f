"""Claims (reclamaciones) for staff: the list with filters, a claim's page, filing one by hand or from a
document, line edits, sending, cancelling, and the customer's document viewer."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.models import DOCUMENT_TYPES
from app.models.claim import CLAIM_ORIGINS, LINE_STATUSES
from app.services.claims import change_orders, claim_view, documents
from app.services.claims import claims as claim_service
from app.services.claims.lines import LineInput
from app.staff import bp
from app.staff.auth import staff_user


def _refusal_flashed(view):
    """Refused input goes back to the form's page with every field's message (not only "correct the fields")."""
    @wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ValidationFailed as err:
            flash(" ".join([err.message, *(m for msgs in err.errors.values() for m in msgs)]), "error")
            back = request.referrer or ""
            return redirect(back if back.startswith(request.host_url) else url_for("staff.claims"))
    return guarded


@bp.get("/claims")
def claims():
    flt = claim_service.ClaimFilter(
        status=request.args.get("status") or None, document_type=request.args.get("document_type") or None,
        customer=request.args.get("customer") or None, min_amount=_decimal("min_amount"),
        max_amount=_decimal("max_amount"), since=_date("since"), until=_date("until"),
        approver=request.args.get("approver") or None)
    return render_template("staff/claims.html", claims=claim_service.list_claims(flt, staff_user()), flt=flt,
                           line_statuses=LINE_STATUSES, document_types=DOCUMENT_TYPES,
                           total=claim_service.claimed_total)


def _decimal(name: str) -> Decimal | None:
    try:
        return Decimal(request.args[name]) if request.args.get(name) else None
    except InvalidOperation:
        return None


def _date(name: str) -> datetime | None:
    try:
        return datetime.fromisoformat(request.args[name]).replace(tzinfo=UTC) if request.args.get(name) else None
    except ValueError:
        return None


@bp.get("/claims/new")
def claim_new():
    return render_template("staff/claim_new.html", reasons=claim_service.reasons(), origins=CLAIM_ORIGINS,
                           form=request.args)


@bp.post("/claims")
@_refusal_flashed
def claim_create():
    form = request.form
    refs = form.getlist("document_line_ref")
    if refs:  # copied from a document: the lines picked, each with the amount proposed (maybe lowered)
        lines = [LineInput(document_line_ref=ref, amount=form.get(f"amount_{ref}") or None) for ref in refs]
    elif form.get("concept") or form.get("amount"):
        lines = [LineInput(concept=form.get("concept"), amount=form.get("amount") or None,
                           quantity=form.get("quantity") or None, notes=form.get("line_notes", ""))]
    else:
        lines = []
    data = claim_service.ClaimInput(
        channel=form.get("channel", "phone"), reason_code=form.get("reason_code", ""),
        origin=form.get("origin", "manual"), customer_number=form.get("customer_number", "").strip(),
        document_type=form.get("document_type") or None, document_number=form.get("document_number") or None,
        notes=form.get("notes", ""), lines=lines, call_ticket=form.get("call_ticket") or None)
    ticket = claim_service.create_claim(data, staff_user())
    flash(_("Claim %(number)s registered.", number=ticket.number), "success")
    return redirect(url_for("staff.claim_page", number=ticket.number))


@bp.get("/claims/<number>")
def claim_page(number: str):
    return render_template("staff/claim.html", page=claim_view.staff_claim_page(number, staff_user()),
                           document_types=DOCUMENT_TYPES, origins=CLAIM_ORIGINS)


@bp.post("/claims/<number>/lines/<int:line_id>")
@_refusal_flashed
def claim_line_update(number: str, line_id: int):
    form = request.form
    claim_service.update_line(number, line_id, LineInput(
        concept=form.get("concept"), quantity=form.get("quantity") or None, amount=form.get("amount") or None,
        reason_code=form.get("reason_code") or None, notes=form.get("notes")), staff_user())
    flash(_("Line changed."), "success")
    return redirect(url_for("staff.claim_page", number=number, _anchor=f"line-{line_id}"))


@bp.post("/claims/<number>/lines")
@_refusal_flashed
def claim_line_add(number: str):
    form = request.form
    claim_service.add_line(number, LineInput(
        document_line_ref=form.get("document_line_ref") or None, concept=form.get("concept"),
        amount=form.get("amount") or None, quantity=form.get("quantity") or None, notes=form.get("notes", "")),
        staff_user())
    flash(_("Line added."), "success")
    return redirect(url_for("staff.claim_page", number=number))


@bp.post("/claims/<number>/submit")
def claim_submit(number: str):
    ids = [int(i) for i in request.form.getlist("line") if i.isdigit()]
    claim_service.submit_lines(number, ids, staff_user())
    flash(_("Lines sent for approval."), "success")
    return redirect(url_for("staff.claim_page", number=number))


@bp.post("/claims/<number>/lines/<int:line_id>/cancel")
def claim_line_cancel(number: str, line_id: int):
    claim_service.cancel_line(number, line_id, staff_user())
    flash(_("Line cancelled."), "success")
    return redirect(url_for("staff.claim_page", number=number))


@bp.post("/claims/<number>/cancel")
def claim_cancel(number: str):
    claim_service.cancel_claim(number, staff_user())
    flash(_("Claim cancelled."), "success")
    return redirect(url_for("staff.claim_page", number=number))


@bp.get("/documents")
def customer_documents():
    number = request.args.get("customer", "").strip()
    found = documents.staff_customer_documents(number, request.args.get("doc_type") or None, staff_user())
    return render_template("staff/documents.html", number=number, documents=found, document_types=DOCUMENT_TYPES,
                           change_types=change_orders.types())


@bp.get("/documents/<number>/<doc_type>/<doc_number>")
def customer_document(number: str, doc_type: str, doc_number: str):
    customer, document = documents.staff_document(number, doc_type, doc_number, staff_user())
    return render_template("staff/document.html", customer=customer, document=document,
                           reasons=claim_service.reasons(),
                           service_order=change_orders.service_order_row(document, customer))


@bp.post("/change-orders")
@_refusal_flashed
def change_order_create():
    form = request.form
    order = change_orders.create_change_order(
        form.get("customer_number", ""), form.get("type_code") or None, form.get("description", ""), staff_user(),
        generate=form.get("generate") or None, claim_amount=form.get("claim_amount") or None)
    flash(_("Service change order %(id)s registered.", id=order.id), "success")
    if order.service_order is not None:
        return redirect(url_for("staff.customer_document", number=order.customer.number, doc_type="service_order",
                                doc_number=order.service_order.number))
    return redirect(url_for("staff.claim_page", number=order.claim_ticket.number))


@bp.post("/service-orders/<order_number>/repair")
def service_order_repair(order_number: str):
    ticket = change_orders.open_repair_ticket(order_number, request.form.get("description", ""), staff_user())
    flash(_("Repair ticket %(number)s opened.", number=ticket.number), "success")
    return redirect(url_for("staff.ticket", number=ticket.number))
