"""Configuration classes.

Values come from the class, then ``instance/portal.cfg``, then ``PORTAL_*``
environment variables (e.g. ``PORTAL_DATABASE_URL``, ``PORTAL_SECRET_KEY``,
``PORTAL_MAIL_SERVER``). Nothing here reads the environment at import time.

Every setting the portal reads is declared in ``Config`` with its default, and the
README's configuration table lists them all (tests/test_config_table.py compares them).
"""

import os
import secrets
import time
from datetime import timedelta

from werkzeug.middleware.proxy_fix import ProxyFix


class Config:
    SECRET_KEY = None  # PORTAL_SECRET_KEY; in development a random one kept in instance/
    DATABASE_URL = None  # default: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session

    BOOTSTRAP_SERVE_LOCAL = True
    # Flask-Compress (gzip, brotli, zstd as the browser asks) for these types only: the
    # stylesheets and scripts, which are most of a page's weight. Not HTML: a compressed
    # page that holds a secret (a CSRF token) beside text an attacker chooses leaks it
    # through its length (BREACH)
    COMPRESS_MIMETYPES = ["text/css", "text/javascript", "application/javascript"]

    # Outbound mail
    MAIL_SERVER = None  # no server: messages are only written to the log
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Sector Jobs Portal <no-reply@sectorjobs.example>"
    MAIL_LOG_MESSAGES = True
    MAIL_BATCH_SIZE = 100
    # after a temporary failure an email is tried again this long later, doubled after each
    # further failure (±10 %), at most MAIL_RETRY_MAX_SECONDS (portal/mail.py)
    MAIL_RETRY_BASE_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 3600

    # Base URL used in emailed links when no request is active (worker, CLI)
    BASE_URL = "http://127.0.0.1:5000"

    # Passwords (argon2id): OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), about
    # 22 ms a hash here. RFC 9106's second choice (64 MiB, 3 passes, 4 lanes) took 110 ms
    # on an idle 2-core machine and 140-190 ms under load, its four lanes taking both cores
    # from every other page. A stored hash made with other settings is redone at its
    # owner's next sign-in.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 128

    # Login throttling (counted in the database, so it holds across processes)
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 20

    # Two-step sign-in (portal/twofactor): how long the code page waits after a correct
    # password, how many wrong codes an account may send per LOGIN_THROTTLE_WINDOW, and the
    # name authenticator apps show for the account
    TWO_STEP_PENDING_TTL = timedelta(minutes=5)
    TWO_STEP_MAX_FAILURES = 5
    TWO_STEP_ISSUER = "Sector Jobs Portal"

    # Token lifetimes
    EMAIL_CONFIRM_TTL = timedelta(days=3)
    PASSWORD_RESET_TTL = timedelta(hours=1)
    AGENCY_INVITATION_TTL = timedelta(days=14)

    FULL_TIME_HOURS = 37.5

    # Matching (portal/matching): invitations to apply one agency may send a day
    MATCH_INVITES_PER_DAY = 20

    # Search (portal/search): the Whoosh index directory (None: instance/search) and this
    # machine's name for the search outbox high-water mark (None: the host name)
    SEARCH_INDEX_DIR = None
    SEARCH_NODE = None
    # a lost index of at most this many searchable jobs is rebuilt by the request that
    # finds it; a bigger one by the worker's next pass (portal/search/recovery.py)
    SEARCH_REBUILD_IN_REQUEST_MAX = 5000

    # Logging (portal/logs.py): the level of the portal's log, one line per request at INFO
    LOG_LEVEL = "INFO"

    # Résumés: stored under instance/uploads/ (or UPLOAD_DIR), never under static/
    UPLOAD_DIR = None
    RESUME_MAX_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # a bigger request is refused before it is read
    WORKER_INTERVAL_SECONDS = 60
    # a thread of the worker applies the search outbox every SEARCH_SYNC_SECONDS, so
    # a job published on another node is searchable here within about that long
    SEARCH_SYNC_SECONDS = 1

    # Health (portal/health, GET /healthz): "degraded" when this node's index is behind the
    # search outbox, the oldest waiting email, or the newest worker heartbeat is older than
    # these many seconds
    HEALTH_OUTBOX_LAG_SECONDS = 120
    HEALTH_MAIL_AGE_SECONDS = 900
    HEALTH_WORKER_STALE_SECONDS = 300

    # Alerts (portal/alerts): due alerts one run of `flask alerts run` (or of the worker)
    # takes on; the rest wait for the next run
    ALERTS_PER_RUN = 2000

    # Webhooks (portal/webhooks): seconds to wait for an agency's server, deliveries one run
    # of the worker's task sends, and which addresses an endpoint may have. Production
    # requires https and refuses hosts that are (or resolve to) private, loopback,
    # link-local or reserved addresses; development and tests may use http://127.0.0.1
    WEBHOOK_TIMEOUT_SECONDS = 10
    WEBHOOK_BATCH = 100
    WEBHOOK_REQUIRE_HTTPS = False
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

    # Privacy (portal/privacy; the privacy page shows these periods). A deleted account is
    # hidden at once and its personal data purged PRIVACY_PURGE_AFTER_DAYS later; the
    # anonymised applications with their hiring decisions are kept HIRING_RECORDS_KEEP_DAYS
    # after the purge, then removed. The audit log (sign-ins, résumé views, downloads...),
    # copies of sent emails and webhook deliveries are removed after their periods.
    PRIVACY_PURGE_AFTER_DAYS = 30
    HIRING_RECORDS_KEEP_DAYS = 365
    AUDIT_LOG_KEEP_DAYS = 730
    SENT_MAIL_KEEP_DAYS = 90
    WEBHOOK_DELIVERIES_KEEP_DAYS = 30

    # Workforce returns: BC's general minimum wage (hourly, cents; $17.85 from June 1, 2025)
    # — pay percentiles below it are refused. Update it when the province raises it.
    MINIMUM_WAGE_CENTS = 1785

    # --- Sessions and passwords (issue 12 §3, portal/auth/sessions.py) -----------------
    # A session ends after this long without a request, and in any case this long after
    # signing in. "Staff" is agency staff, HR champions and admins. A seeker who ticks
    # "keep me signed in" stays signed in SESSION_REMEMBER_DAYS (idle and at most); the
    # same number of days is also every seeker session's upper bound (and Flask's
    # PERMANENT_SESSION_LIFETIME, the "keep me signed in" cookie's, follows it).
    SESSION_IDLE_MINUTES_STAFF = 30
    SESSION_MAX_HOURS_STAFF = 12
    SESSION_IDLE_MINUTES_SEEKER = 120
    SESSION_REMEMBER_DAYS = 14
    # zxcvbn score (0-4) a new password needs; names and email addresses count as guessable
    PASSWORD_MIN_STRENGTH = 3

    # --- Safe defaults (issue 12 §4) ---------------------------------------------------
    # Without SECRET_KEY, development makes a random key once in this file (relative to
    # instance/, mode 600) and reuses it; production has no file and refuses to start.
    SECRET_KEY_FILE = "secret_key"  # nosec B105 # a file name, not a key
    # Rate limits (Flask-Limiter, portal/ratelimits.py), in the `limits` notation
    # ("5 per hour", "100 per day"), counted per signed-in user, else per client address.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URL = "memory://"  # one process; redis://host:6379/0 shares the counts
    RATELIMIT_HEADERS_ENABLED = True  # X-RateLimit-* on limited forms, Retry-After on a 429
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis unreachable: count in-process, no 500
    RATELIMIT_REGISTER = "10 per hour"  # seeker and agency registration together, per address
    RATELIMIT_PASSWORD_RESET = "5 per hour"  # nosec B105 # a rate, not a password
    RATELIMIT_CONFIRMATION_RESEND = "5 per hour"
    RATELIMIT_PER_EMAIL = "3 per hour"  # emails sent to one address by each of those forms
    RATELIMIT_APPLY = "30 per hour"
    RATELIMIT_ALERTS = "20 per hour"  # alerts saved (each emails a confirmation link)
    RATELIMIT_INVITATIONS = "100 per day"  # staff, job and partner invitations together
    RATELIMIT_API = "600 per hour"
    RATELIMIT_EXPORT = "10 per hour"  # downloads of one's own data (a ZIP), per user
    # Proxies in front of the portal (nginx: 1) whose X-Forwarded-For/-Proto are believed;
    # 0 believes none, so nobody escapes a rate limit or the sign-in throttle by sending one.
    TRUSTED_PROXIES = 0
    # `flask portal seed-demo` (accounts with a published password): not in production
    DEMO_DATA_ALLOWED = True

    # --- Security headers (issue 12 §2, portal/security_headers.py) ---------------------
    # Strict-Transport-Security max-age in seconds (with includeSubDomains); 0 sends none.
    # Production: one year — browsers then only ever reach the site over HTTPS.
    HSTS_SECONDS = 0


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # nosec B105 # the test suite's fixed key, used nowhere else
    MAIL_LOG_MESSAGES = False
    # cheap hashes so the suite stays fast; still argon2id
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    SERVER_NAME = "localhost"
    BASE_URL = "http://localhost"
    # the suite makes many requests from one address; tests/test_ratelimits.py sets real limits
    RATELIMIT_REGISTER = "10000 per hour"
    RATELIMIT_PASSWORD_RESET = "10000 per hour"  # nosec B105 # a rate, not a password
    RATELIMIT_CONFIRMATION_RESEND = "10000 per hour"
    RATELIMIT_PER_EMAIL = "10000 per hour"
    RATELIMIT_APPLY = "10000 per hour"
    RATELIMIT_ALERTS = "10000 per hour"
    RATELIMIT_INVITATIONS = "10000 per day"
    RATELIMIT_API = "10000 per hour"
    RATELIMIT_EXPORT = "10000 per hour"
    # a failed email is tried again at once; tests/test_mail_delivery.py sets a real back-off
    MAIL_RETRY_BASE_SECONDS = 0


class ProductionConfig(Config):
    SECRET_KEY = None
    SECRET_KEY_FILE = None  # PORTAL_SECRET_KEY or no start
    DEMO_DATA_ALLOWED = False
    SESSION_COOKIE_SECURE = True
    MAIL_LOG_MESSAGES = False
    HSTS_SECONDS = 31536000  # issue 12 §2
    WEBHOOK_REQUIRE_HTTPS = True
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}


def settle(app) -> None:
    """Settings that follow from the others once every source has been read."""
    app.config["SECRET_KEY"] = secret_key(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]  # Flask-Limiter's


def trust_proxies(app) -> None:
    """Behind TRUSTED_PROXIES proxies, request.remote_addr and the scheme are the client's."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def secret_key(app) -> str:
    """PORTAL_SECRET_KEY (or portal.cfg); else, in development, the instance's own key."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    if not app.config.get("SECRET_KEY_FILE"):
        raise RuntimeError("PORTAL_SECRET_KEY must be set (production refuses to start without it)")
    return instance_key(os.path.join(app.instance_path, app.config["SECRET_KEY_FILE"]))


def instance_key(path: str) -> str:
    """The key in ``path``, made there first if missing: random, readable by the owner only.

    O_EXCL makes the creation atomic: of several processes starting at once, one writes
    the key and the others read that one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def _read_key(path: str) -> str:
    for _ in range(50):  # the process that created the file may not have written it yet
        with open(path, encoding="utf-8") as handle:
            key = handle.read().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(
        f"{path} is empty: delete it to have a new key made, or set PORTAL_SECRET_KEY"
    )
