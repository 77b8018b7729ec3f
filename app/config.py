"""Configuration from the environment; secrets and the SQLite file live in ``instance/``."""
import os
from pathlib import Path

from app import clock

ROOT = Path(__file__).resolve().parent.parent


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")  # create_app falls back to instance/secret_key
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")  # default: sqlite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = clock.OFFICE_TZ.key
    PROCESSES_DIR = str(ROOT / "processes")
    FORMS_DIR = str(ROOT / "forms")
    ANALYST_GUIDE = str(ROOT / "docs" / "guia-analista.md")  # served at /staff/guide

    # Lane name in the diagrams -> staff role that may work it.
    LANE_ROLES = {
        "Contact center": "agent",
        "Técnico": "technician",
        "Cliente": "customer",
        "Supervisor": "supervisor",
        "Área responsable": "technician",  # a follow-up's answer: staff of the responsible team
        "Aprobador": "approver",
    }
    # Roles that may complete a customer-lane task on the customer's behalf (a call, a survey by phone).
    ON_BEHALF_ROLES = ("supervisor", "admin")
    # Who a ``notify`` task with recipient "incident_manager" reaches: the active users of this role.
    INCIDENT_MANAGER_ROLE = "supervisor"

    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "12"))
    # A process reads a token, its user and his teams again after this long (revoking one in this process takes
    # effect at once; in another web process within these seconds). 0: read them on every request.
    API_TOKEN_CACHE_SECONDS = float(os.environ.get("API_TOKEN_CACHE_SECONDS", "10"))

    # Outgoing mail (delivered by the worker from the outbox).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Atiende <soporte@net1.mx>")
    # What every customer mail's footer gives (issue 13: the seeds' "suporte@" is a typo the footer copied).
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "soporte@net1.mx")
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "449 142 0327")
    # Our Message-IDs end in @this domain (empty: SUPPORT_EMAIL's), so receivers see the company's own.
    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "12"))

    # CRM port: "builtin" records interactions on the customer; "http" posts JSON to CRM_URL.
    CRM_ADAPTER = os.environ.get("CRM_ADAPTER", "builtin")
    CRM_URL = os.environ.get("CRM_URL", "")
    CRM_TIMEOUT = float(os.environ.get("CRM_TIMEOUT", "5"))
    # Billing port (claims): "builtin" keeps documents in our database; "http" reads them from BILLING_URL.
    BILLING_ADAPTER = os.environ.get("BILLING_ADAPTER", "builtin")
    BILLING_URL = os.environ.get("BILLING_URL", "")
    BILLING_TIMEOUT = float(os.environ.get("BILLING_TIMEOUT", "5"))
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))  # seconds a webhook endpoint has to answer

    # Background worker: Huey on SQLite by default, Redis when REDIS_URL is set.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH", "")  # default: instance/huey.sqlite
    HUEY_IMMEDIATE = False
    HUEY_NAME = os.environ.get("HUEY_NAME", "atiende")  # queue name: distinct per deployment sharing a Redis
    OUTBOX_KICK = True  # enqueue a delivery right after a commit that queued messages
    OUTBOX_KICK_SECONDS = float(os.environ.get("OUTBOX_KICK_SECONDS", "1"))  # at most 2 kicks a window (app/jobs.py)
    # Retry n waits OUTBOX_RETRY_SECONDS * 2**(n-1), at most OUTBOX_RETRY_MAX_SECONDS (no jitter).
    OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
    OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
    # A worker claims up to OUTBOX_BATCH messages at a time (one SMTP connection for all its batches). Its claim is
    # retaken by another worker after OUTBOX_LEASE_SECONDS (it died mid-send); the lease is renewed while
    # the batch goes out, so it only has to outlast one message's send (a few MAIL_TIMEOUTs).
    OUTBOX_BATCH = int(os.environ.get("OUTBOX_BATCH", "100"))
    # Periodic review: a recurring problem is at least this many closed tickets of one kind and category
    # whose texts are at least this similar (cosine of their TF-IDF vectors).
    REVIEW_MIN_TICKETS = int(os.environ.get("REVIEW_MIN_TICKETS", "3"))
    REVIEW_SIMILARITY = float(os.environ.get("REVIEW_SIMILARITY", "0.3"))
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "60"))
    # The timer sweep fires up to TIMER_BATCH due instances per transaction (one commit for all of them;
    # on SQLite the workers take turns between batches: app/services/cases/timer_service.py).
    TIMER_BATCH = int(os.environ.get("TIMER_BATCH", "20"))

    # Staff workspace (/staff): a session ends after this idle time or this age, whichever comes first.
    STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "60"))
    STAFF_SESSION_MAX_HOURS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "12"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Cookies only over HTTPS: "1"/"0"; unset, on everywhere but development and tests (create_app decides).
    SESSION_COOKIE_SECURE = {"1": True, "0": False}.get(os.environ.get("SESSION_COOKIE_SECURE", ""))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the staff session (which expires)
    DUE_SOON_HOURS = int(os.environ.get("DUE_SOON_HOURS", "4"))  # task list: "vence pronto"
    TASK_CHOICES_CACHE_SECONDS = int(os.environ.get("TASK_CHOICES_CACHE_SECONDS", "60"))  # task list filters
    # Where `npm ci` put the front-end libraries (bpmn-js); served under /staff/vendor/.
    NODE_MODULES_DIR = str(ROOT / "node_modules")

    # Inbound e-mail (issue 6): one intake service behind the pipe, the SMTP intake server and IMAP polling.
    MAIL_INTAKE_MAILBOX = os.environ.get("MAIL_INTAKE_MAILBOX", "soporte@net1.mx")  # dedupe is per mailbox
    MAIL_INTAKE_HOST = os.environ.get("MAIL_INTAKE_HOST", "127.0.0.1")  # only our mail server relays to it
    MAIL_INTAKE_PORT = int(os.environ.get("MAIL_INTAKE_PORT", "2525"))
    MAIL_INTAKE_RECIPIENTS = tuple(filter(None, os.environ.get("MAIL_INTAKE_RECIPIENTS", "").split(",")))
    MAIL_MAX_MESSAGE_BYTES = int(os.environ.get("MAIL_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024)))
    MAIL_INTAKE_MAX_ATTEMPTS = int(os.environ.get("MAIL_INTAKE_MAX_ATTEMPTS", "5"))
    # Loops (issue 13): past this many new tickets per hour from one sender, further unthreaded mail joins
    # his latest open ticket (or is held); at most this many automatic answers per sender per 24 hours.
    MAIL_NEW_TICKETS_PER_HOUR = int(os.environ.get("MAIL_NEW_TICKETS_PER_HOUR", "5"))
    MAIL_AUTO_REPLIES_PER_DAY = int(os.environ.get("MAIL_AUTO_REPLIES_PER_DAY", "10"))
    MAIL_IMAP_HOST = os.environ.get("MAIL_IMAP_HOST", "")
    MAIL_IMAP_PORT = int(os.environ.get("MAIL_IMAP_PORT", "993"))
    MAIL_IMAP_SSL = os.environ.get("MAIL_IMAP_SSL", "1") == "1"
    MAIL_IMAP_USERNAME = os.environ.get("MAIL_IMAP_USERNAME", "")
    MAIL_IMAP_PASSWORD = os.environ.get("MAIL_IMAP_PASSWORD", "")
    MAIL_IMAP_FOLDER = os.environ.get("MAIL_IMAP_FOLDER", "INBOX")
    MAIL_IMAP_PROCESSED_FOLDER = os.environ.get("MAIL_IMAP_PROCESSED_FOLDER", "")  # empty: mark seen
    MAIL_IMAP_TIMEOUT = float(os.environ.get("MAIL_IMAP_TIMEOUT", "30"))
    # Attachments: type from the bytes, stored under random names outside the static folder.
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    # A form may carry this many files of ATTACHMENT_MAX_BYTES each; the whole request is capped before it is
    # read at that plus 1 MB for the typed fields (issue 13: two 6 MB photos must pass).
    ATTACHMENT_MAX_FILES = int(os.environ.get("ATTACHMENT_MAX_FILES", "5"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", "0")) or \
        ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 1024 * 1024
    ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR", "")  # default: instance/attachments

    # Analysts' code (scripts, conditions, DMN cells, task properties, instructions) runs in an evaluator
    # process with this CPU time and this much memory per evaluation (app/workflow/sandbox_process.py).
    SANDBOX_CPU_SECONDS = float(os.environ.get("SANDBOX_CPU_SECONDS", "2"))
    SANDBOX_MEMORY_MB = int(os.environ.get("SANDBOX_MEMORY_MB", "256"))

    # Customer portal (/portal, issue 5): sessions, e-mailed links, live updates and rate limits.
    PORTAL_SESSION_IDLE_MINUTES = int(os.environ.get("PORTAL_SESSION_IDLE_MINUTES", "60"))
    PORTAL_SESSION_MAX_HOURS = int(os.environ.get("PORTAL_SESSION_MAX_HOURS", "12"))
    PORTAL_VERIFY_HOURS = int(os.environ.get("PORTAL_VERIFY_HOURS", "48"))
    PORTAL_RESET_HOURS = int(os.environ.get("PORTAL_RESET_HOURS", "2"))
    PORTAL_POLL_SECONDS = int(os.environ.get("PORTAL_POLL_SECONDS", "5"))
    # Links in mails (verification, password reset) start with this public address, never with the request's
    # Host header. Production refuses to start without it unless TRUSTED_HOSTS (comma-separated) lists the
    # hosts a request may name; development and tests default to 127.0.0.1 and localhost.
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (0: none, the default). Rate
    # limits and the audit trail count the client's address, not the proxy's; never more than there are.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # "development" (`make run` on 127.0.0.1, plain HTTP) relaxes the two defaults above; else production.
    ATIENDE_ENV = os.environ.get("ATIENDE_ENV", "production")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "") or os.environ.get("REDIS_URL", "") \
        or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    PORTAL_LIMIT_LOGIN = os.environ.get("PORTAL_LIMIT_LOGIN", "10 per minute;50 per hour")
    PORTAL_LIMIT_SIGNUP = os.environ.get("PORTAL_LIMIT_SIGNUP", "5 per minute;20 per hour")
    PORTAL_LIMIT_RESET = os.environ.get("PORTAL_LIMIT_RESET", "5 per minute;20 per hour")
    PORTAL_LIMIT_NEW_TICKET = os.environ.get("PORTAL_LIMIT_NEW_TICKET", "5 per minute;30 per day")
    PORTAL_LIMIT_MESSAGE = os.environ.get("PORTAL_LIMIT_MESSAGE", "10 per minute;200 per day")
    STAFF_LIMIT_LOGIN = os.environ.get("STAFF_LIMIT_LOGIN", "10 per minute;50 per hour")
    API_LIMIT_TOKEN = os.environ.get("API_LIMIT_TOKEN", "10 per minute;50 per hour")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    HUEY_IMMEDIATE = True
    MAIL_TIMEOUT = 2.0
    OUTBOX_KICK = False  # tests that deliver turn it on
    TASK_CHOICES_CACHE_SECONDS = 0  # tests add tasks between pages; the cache test turns it on
    API_TOKEN_CACHE_SECONDS = 0  # tests change users in place; tests/services/test_token_cache.py turns it on
    RATELIMIT_STORAGE_URI = "memory://"
    SANDBOX_CPU_SECONDS = 0.5  # the budget tests go over these quickly
    SANDBOX_MEMORY_MB = 64
    # Generous limits: many tests sign in from one address; the rate-limit tests set tight ones.
    PORTAL_LIMIT_LOGIN = PORTAL_LIMIT_SIGNUP = PORTAL_LIMIT_RESET = PORTAL_LIMIT_NEW_TICKET = "10000 per minute"
    PORTAL_LIMIT_MESSAGE = "10000 per minute"
    STAFF_LIMIT_LOGIN = API_LIMIT_TOKEN = "10000 per minute"
