"""Customer portal (/portal): a customer's account, his tickets, his tasks. Views stay thin: parse the
request, call one service function, render. Sessions are server-side (``CustomerSession``)."""
from flask import Blueprint, Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

bp = Blueprint("portal", __name__, url_prefix="/portal")
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="fixed-window")


def limit(setting: str):
    """A rate limit on POST read from the config key ``setting`` (e.g. "10 per minute;50 per hour")."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], scope=setting)


def init_portal(app: Flask) -> None:
    limiter.init_app(app)
    app.register_blueprint(bp)


# The modules register their routes on ``bp``.
from app.portal import auth, claims, followups, tickets  # noqa: E402, F401
