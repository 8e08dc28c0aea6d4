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


# PostgreSQL: the engine and statement that empty each test database (by URL)
_emptying: dict[str, tuple] = {}


def empty_tables(url: str) -> None:
    """Empty every table but the reference tables and restart their sequences, as
    ``TRUNCATE ... RESTART IDENTITY`` would (PostgreSQL). Deleting the rows of a test's few
    small tables takes milliseconds; TRUNCATE makes new files for every table and index,
    about 0.5 s a test."""
    if url not in _emptying:
        engine = create_engine(url)
        tables = [t.name for t in _db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        with engine.connect() as conn:
            sequences = conn.exec_driver_sql(
                "SELECT format('%%I', s.relname), seq.seqstart FROM pg_class s "
                "JOIN pg_sequence seq ON seq.seqrelid = s.oid "
                "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                "JOIN pg_class t ON t.oid = d.refobjid "
                "WHERE s.relkind = 'S' AND t.relname = ANY(%(tables)s)",
                {"tables": tables},
            ).all()
        statements = [f'DELETE FROM "{name}"' for name in reversed(tables)]  # children first
        if sequences:
            setvals = ", ".join(f"setval('{name}', {start}, false)" for name, start in sequences)
            statements.append(f"SELECT {setvals}")
        _emptying[url] = (engine, "; ".join(statements))
    engine, statement = _emptying[url]
    with engine.begin() as conn:
        conn.exec_driver_sql(statement)


def forget(url: str) -> None:
    """Close the connections ``empty_tables`` keeps to the database at ``url``."""
    engine, _ = _emptying.pop(url, (None, None))
    if engine is not None:
        engine.dispose()


def fresh(db, model, id_):
    """The row as the database has it now (not as this session last saw it)."""
    db.session.expire_all()
    return db.session.get(model, id_)


def count(db, model, *where) -> int:
    """The number of ``model`` rows (matching ``where``)."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
