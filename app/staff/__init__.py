"""Staff workspace (/staff): task list, task forms, ticket page, phone intake, inbox. Views stay thin:
parse the request, call one service function, render."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The modules register their routes on ``bp``.
from app.staff import (  # noqa: E402, F401
    admin,
    admin_calendars,
    admin_followups,
    audit,
    auth,
    case_admin,
    claims,
    compliance,
    costs,
    followups,
    inbound_mail,
    inbox,
    incident_intake,
    intake,
    links,
    process_migration,
    reviews,
    tasks,
    ticket_history,
    tickets,
    web,
)
