"""Configuration classes.

Values come from the class, then ``instance/portal.cfg``, then ``PORTAL_*``
environment variables (e.g. ``PORTAL_DATABASE_URL``, ``PORTAL_SECRET_KEY``,
``PORTAL_MAIL_SERVER``). Nothing here reads the environment at import time.
"""

from datetime import timedelta


class Config:
    SECRET_KEY = "dev-only-not-secret"
    DATABASE_URL = None  # default: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session

    BOOTSTRAP_SERVE_LOCAL = True

    # Outbound mail
    MAIL_SERVER = None  # no server: messages are only written to the log
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Sector Jobs Portal <no-reply@sectorjobs.example>"
    MAIL_LOG_MESSAGES = True
    MAIL_BATCH_SIZE = 100

    # Base URL used in emailed links when no request is active (worker, CLI)
    BASE_URL = "http://127.0.0.1:5000"

    # Passwords (argon2id)
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
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

    # Résumés: stored under instance/uploads/ (or UPLOAD_DIR), never under static/
    UPLOAD_DIR = None
    RESUME_MAX_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # a bigger request is refused before it is read
    WORKER_INTERVAL_SECONDS = 60

    # Workforce returns: BC's general minimum wage (hourly, cents; $17.85 from June 1, 2025)
    # — pay percentiles below it are refused. Update it when the province raises it.
    MINIMUM_WAGE_CENTS = 1785


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    MAIL_LOG_MESSAGES = False
    # cheap hashes so the suite stays fast; still argon2id
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    SERVER_NAME = "localhost"
    BASE_URL = "http://localhost"


class ProductionConfig(Config):
    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    MAIL_LOG_MESSAGES = False


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}
