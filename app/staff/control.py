"""The control dashboard (supervisors): the period's figures, charts and tables, each table exportable."""
from __future__ import annotations

from flask import Response, abort, render_template, request
from marshmallow import ValidationError

from app import clock
from app.schemas.control import ControlFilterSchema
from app.services.control import dashboard, exports, filters
from app.staff import bp
from app.staff.auth import staff_user
from app.staff.pdf import pdf_response


@bp.get("/control")
def control_dashboard():
    flt, errors = _filter()
    sections = dashboard.dashboard(flt, staff_user())
    return render_template("staff/control.html", sections=sections, flt=flt, errors=errors,
                           choices=filters.choices(), args=_export_args(flt))


@bp.get("/control/<key>.<fmt>")
def control_export(key: str, fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    flt, _errors = _filter()
    table = dashboard.table(flt, key, staff_user())
    return Response(exports.render(table, flt, fmt), mimetype=exports.FORMATS[fmt],  # never cached (create_app)
                    headers={"Content-Disposition": f'attachment; filename="{exports.filename(table, flt, fmt)}"'})


@bp.get("/control/report.pdf")
def control_report_pdf():
    """The period's report to print or file: every figure and table of the dashboard for the filter."""
    flt, _errors = _filter()
    sections = dashboard.dashboard(flt, staff_user())
    html = render_template("staff/control_report_print.html", sections=sections, flt=flt, now=clock.now())
    return pdf_response(html, f"informe-control-{flt.start.isoformat()}-{flt.end.isoformat()}.pdf")


def _filter() -> tuple[filters.ControlFilter, dict]:
    """The filter of the query string; with a wrong field, the default period and the messages to show."""
    given = {name: value for name, value in request.args.items() if value.strip()}  # a blank select: no filter
    try:
        return ControlFilterSchema().load(given), {}
    except ValidationError as err:
        return ControlFilterSchema().load({}), err.messages


def _export_args(flt: filters.ControlFilter) -> dict:
    return {"from": flt.start.isoformat(), "to": flt.end.isoformat(), **flt.applied()}
