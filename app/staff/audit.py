"""The audit trail (administrators): filtered, paginated, exported as CSV."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, stream_with_context

from app.services.control import audit_service
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/admin/audit")
def admin_audit():
    query = _query(request.args)
    return render_template("staff/admin_audit.html", page=audit_service.search(query, staff_user()), query=query,
                           actions=audit_service.ACTIONS, label=audit_service.action_label,
                           describe=audit_service.changes_text)


@bp.get("/admin/audit.csv")
def admin_audit_csv():
    lines = audit_service.export_csv(_query(request.args), staff_user())
    return Response(stream_with_context(lines), mimetype="text/csv",  # never cached (create_app)
                    headers={"Content-Disposition": 'attachment; filename="auditoria.csv"'})


def _query(args) -> audit_service.AuditQuery:
    page = args.get("page", "")
    return audit_service.AuditQuery(action=args.get("action", ""), actor=args.get("actor", ""),
                                    target=args.get("target", ""), date_from=_date(args.get("date_from")),
                                    date_to=_date(args.get("date_to")),
                                    page=int(page) if page.isascii() and page.isdigit() else 1)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
