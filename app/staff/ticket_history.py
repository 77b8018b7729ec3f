"""The ticket history: every case the user may see, filters, sort, pages, saved searches, CSV export."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for

from app.errors import ValidationFailed
from app.i18n import _
from app.services.cases import saved_ticket_filters, ticket_search
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/tickets")
def ticket_history():
    user = staff_user()
    query = ticket_search.parse_query(request.args)
    return render_template("staff/ticket_history.html", page=ticket_search.search(user, query), query=query,
                           choices=ticket_search.filter_choices(), saved=saved_ticket_filters.of_user(user),
                           sorts=ticket_search.SORTS, sla_filters=ticket_search.SLA_FILTERS,
                           page_sizes=ticket_search.PAGE_SIZES)


@bp.get("/tickets.csv")
def ticket_history_csv():
    lines = ticket_search.export_csv(staff_user(), ticket_search.parse_query(request.args))
    return Response(stream_with_context(lines), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="tickets.csv"'})


@bp.post("/tickets/saved")
def save_ticket_filter():
    query = ticket_search.parse_query(request.form)
    try:
        saved_ticket_filters.save(staff_user(), request.form.get("name", ""), query)
    except ValidationFailed as err:
        flash(" ".join(m for msgs in err.errors.values() for m in msgs) or err.message, "error")
    else:
        flash(_("Search saved."), "success")
    return redirect(url_for("staff.ticket_history", **query.filters()))


@bp.post("/tickets/saved/<int:filter_id>/delete")
def delete_ticket_filter(filter_id: int):
    saved_ticket_filters.delete(staff_user(), filter_id)
    flash(_("Saved search deleted."), "success")
    return redirect(url_for("staff.ticket_history"))
