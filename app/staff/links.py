"""Linking tickets, merging a duplicate and applying a known procedure, from the ticket page."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import _
from app.services.cases import links
from app.services.incidents import escalation, similar
from app.staff import bp
from app.staff.auth import staff_user


def _problem(err) -> str:
    return " ".join(m for msgs in (err.errors or {}).values() for m in msgs) or err.message


@bp.post("/tickets/<number>/links")
def link(number: str):
    try:
        links.link_tickets(number, request.form.get("target", ""), request.form.get("type", ""), staff_user(),
                           request.form.get("note", ""))
    except (ValidationFailed, Conflict, NotFound) as err:
        flash(_problem(err), "error")
    else:
        flash(_("Tickets linked."), "success")
    return redirect(url_for("staff.ticket", number=number, _anchor="links"))


@bp.post("/tickets/<number>/links/<int:link_id>/delete")
def unlink(number: str, link_id: int):
    links.remove_link(number, link_id, staff_user())
    flash(_("Link removed."), "success")
    return redirect(url_for("staff.ticket", number=number, _anchor="links"))


@bp.post("/tickets/<number>/merge")
def merge(number: str):
    try:
        original = links.merge(number, request.form.get("into", ""), staff_user())
    except (ValidationFailed, Conflict, NotFound) as err:
        flash(_problem(err), "error")
        return redirect(url_for("staff.ticket", number=number, _anchor="links"))
    flash(_("%(number)s was merged into this ticket.", number=number), "success")
    return redirect(url_for("staff.ticket", number=original.number))


@bp.post("/tickets/<number>/apply-procedure")
def apply_procedure(number: str):
    try:
        similar.apply_procedure(number, request.form.get("source", ""), staff_user())
    except (Conflict, NotFound) as err:
        flash(err.message, "error")
    else:
        flash(_("Procedure applied: the resolution form starts from it."), "success")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/staff/") else url_for("staff.ticket", number=number, _anchor="incident"))


@bp.app_context_processor
def _link_labels() -> dict:
    if request.blueprint != "staff":
        return {}
    return {"manual_link_types": links.MANUAL_TYPES,
            "link_labels": {code: forward for code, (forward, _inverse) in links.LINK_TYPES.items()},
            "level_labels": escalation.LEVEL_LABELS, "trigger_labels": escalation.TRIGGER_LABELS}
