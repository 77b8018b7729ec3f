"""The in-app inbox: notifications for the signed-in staff member."""
from __future__ import annotations

from flask import redirect, render_template, url_for

from app.services.cases import inbox_service
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/inbox")
def inbox():
    return render_template("staff/inbox.html", notifications=inbox_service.notifications(staff_user()))


@bp.post("/inbox/<int:notification_id>")
def open_notification(notification_id: int):
    row = inbox_service.mark_read(staff_user(), notification_id)
    if row is not None and row.ticket is not None:
        return redirect(url_for("staff.ticket", number=row.ticket.number))
    return redirect(url_for("staff.inbox"))


@bp.post("/inbox/read")
def read_all():
    inbox_service.mark_all_read(staff_user())
    return redirect(url_for("staff.inbox"))
