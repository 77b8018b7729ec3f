"""Procedure compliance (supervisors and analysts): the event log and its check against the diagrams."""
from __future__ import annotations

from flask import Response, render_template, request, stream_with_context

from app.errors import ValidationFailed
from app.services.control import process_mining
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/compliance")
def compliance():
    user = staff_user()
    process_mining.require_reader(user)
    errors, report = {}, None
    try:
        query = process_mining.parse_query(request.args)
    except ValidationFailed as err:
        query, errors = process_mining.LogQuery(), err.errors
    if query.process_id and not errors:
        report = process_mining.conformance(query, user)
    return render_template("staff/compliance.html", query=query, report=report, errors=errors,
                           versions=process_mining.versions())


@bp.get("/compliance/log.csv")
def compliance_log_csv():
    lines = process_mining.export_csv(process_mining.parse_query(request.args), staff_user())
    return Response(stream_with_context(lines), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="registro-de-eventos.csv"'})


@bp.get("/compliance/log.xes")
def compliance_log_xes():
    document = process_mining.export_xes(process_mining.parse_query(request.args), staff_user())
    return Response(document, mimetype="application/xml",
                    headers={"Content-Disposition": 'attachment; filename="registro-de-eventos.xes"'})
