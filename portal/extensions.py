"""Extension objects: created here, initialised in ``create_app``."""

import sqlite3

from flask import request
from flask_bootstrap import Bootstrap5
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
compress = Compress()  # responses of the types in COMPRESS_MIMETYPES


def user_or_ip() -> str:
    """Who a rate limit counts: the signed-in user, else the client's address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr or 'unknown'}"


class PortalLimiter(Limiter):
    """Flask-Limiter, starting afresh for each app it is initialised with.

    Flask-Limiter keeps the first non-empty ``RATELIMIT_KEY_PREFIX`` it saw, and once its
    storage failed it keeps counting in memory; the factory makes many apps in one
    process (the tests do), each with its own settings and storage."""

    def init_app(self, app) -> None:
        self._key_prefix = ""
        self._storage_dead = False
        super().init_app(app)


# limits and storage come from the app's RATELIMIT_* settings (portal.config, portal.ratelimits)
limiter = PortalLimiter(key_func=user_or_ip)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: foreign keys on, WAL so readers never block the writer, wait on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
