"""JSON API for integrations (/api/v1). Every route needs a bearer token but /auth/token and /openapi.json."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The modules register their routes on ``bp``.
from app.api import (  # noqa: E402, F401
    audit,
    auth,
    claims,
    compliance,
    followups,
    links,
    openapi,
    process_migrations,
    processes,
    reports,
    reviews,
    tasks,
    tickets,
    workflows,
)
