"""Staff workspace (/staff): task list, task forms, ticket page, phone intake, inbox. Views stay thin:
parse the request, call one service function, render."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The modules register their routes on ``bp``.
from app.staff import (  # noqa: E402, F401
    admin,
    admin_calendars,
    admin_followups,
    admin_webhooks,
    audit,
    auth,
    case_admin,
    claims,
    compliance,
    control,
    costs,
    followups,
    guide,
    inbound_mail,
    inbox,
    incident_intake,
    intake,
    links,
    notices,
    process_migration,
    processes,
    reviews,
    tasks,
    ticket_history,
    tickets,
    web,
)
