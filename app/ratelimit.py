"""Rate limits (Flask-Limiter) on the doors a password or a mail goes through: the staff sign-in, the API
token, the portal's sign-in, sign-up, reset and new complaint. Counted per client address; the storage is
RATELIMIT_STORAGE_URI (memory, or the Redis the worker uses, shared by every web process)."""
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="fixed-window")


def limit(setting: str):
    """A rate limit on POST read from the config key ``setting`` (e.g. "10 per minute;50 per hour")."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], scope=setting)
