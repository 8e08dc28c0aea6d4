"""The test databases: which backends run, the reference tables every database starts with,
and small helpers to read rows back."""

import os

from sqlalchemy import create_engine, func, select

from portal import create_app
from portal.extensions import db as _db
from portal.reference.services import load_reference

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
REFERENCE_TABLES = {
    "regions",
    "communities",
    "occupations",
    "credentials",
    "subsectors",
    "cssea_divisions",
}


def worker_id(request) -> str:
    """The pytest-xdist worker running this test ("main" without xdist)."""
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def seed_reference(url: str) -> None:
    """Create the schema in the database at ``url`` and load the reference data."""
    app = create_app("testing", {"DATABASE_URL": url})
    with app.app_context():
        _db.create_all()
        load_reference()
        _db.session.commit()
        _db.engine.dispose()


def truncate(url: str) -> None:
    """Empty every table but the reference tables (PostgreSQL)."""
    engine = create_engine(url)
    tables = [t.name for t in _db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    engine.dispose()


def fresh(db, model, id_):
    """The row as the database has it now (not as this session last saw it)."""
    db.session.expire_all()
    return db.session.get(model, id_)


def count(db, model, *where) -> int:
    """The number of ``model`` rows (matching ``where``)."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
