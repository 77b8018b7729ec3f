"""Customer portal (/portal): a customer's account, his tickets, his tasks. Views stay thin: parse the
request, call one service function, render. Sessions are server-side (``CustomerSession``)."""
from flask import Blueprint, Flask

from app.ratelimit import limit, limiter

bp = Blueprint("portal", __name__, url_prefix="/portal")

__all__ = ["bp", "init_portal", "limit", "limiter"]


def init_portal(app: Flask) -> None:
    app.register_blueprint(bp)


# The modules register their routes on ``bp``.
from app.portal import auth, claims, followups, tickets, visits  # noqa: E402, F401
