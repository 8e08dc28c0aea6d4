"""Migrations build the whole schema from an empty database, and match the models."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect, make_url

from portal import create_app
from portal.extensions import db
from tests.support import BACKENDS, PG_URL


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = make_url(PG_URL)
    name = f"portal_migrations_{uuid.uuid4().hex[:8]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_from_empty_matches_models(empty_database_url):
    app = create_app("testing", {"DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ; run flask db migrate: {diff}"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_check_constraints_match_models(empty_database_url):
    """alembic's comparison leaves CHECK constraints out: the migrations create the models'
    (by name; on SQLite, which keeps the text as written, with the same text too)."""
    app = create_app("testing", {"DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        sqlite = db.engine.dialect.name == "sqlite"
        for table in db.metadata.sorted_tables:
            wanted = {}
            for check in table.constraints:
                name = str(check.name)  # "status_valid", or once created "ck_jobs_status_valid"
                name = name if name.startswith(f"ck_{table.name}_") else f"ck_{table.name}_{name}"
                if isinstance(check, CheckConstraint):
                    wanted[name] = str(check.sqltext)
            found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
            assert set(found) == set(wanted), table.name
            if sqlite:
                assert found == wanted, table.name
        db.engine.dispose()
