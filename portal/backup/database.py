"""The database half of a backup: a consistent snapshot taken while the portal runs, and
its restore into an empty database.

- SQLite: Python's online backup API copies the database file in one step, inside one read
  transaction (WAL mode: writers go on meanwhile), into ``database.sqlite3``, a
  self-contained file (rollback-journal mode, so it opens read-only from any medium).
- PostgreSQL: ``pg_dump --format=custom`` into ``database.pgdump``, inside a snapshot this
  process exports (``pg_export_snapshot``) and keeps open, so the row counts, the alembic
  revision and the résumé names written to the manifest describe exactly what was dumped.
  ``pg_dump`` and ``pg_restore`` are found on ``PATH`` (their version must be at least the
  server's); the connection comes from the SQLAlchemy URL, the password (if the URL has
  one) through ``PGPASSWORD``, never on a command line.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump / pg_restore, a fixed program and an argument list
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import URL, column, create_engine, func, inspect, literal, not_, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from portal.backup.manifest import FILE_MODE
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Resume
from portal.models.seekers import REMOVED_PREFIX

FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
REVISION_TABLE = "alembic_version"  # holds a row even in an empty schema (flask db upgrade)


@dataclass(frozen=True)
class Contents:
    """What a database (or a snapshot of one) holds, for the manifest."""

    revision: str | None  # alembic revision(s), "," between heads; None: never migrated
    row_counts: dict[str, int]
    resumes: list[str]  # stored names of the résumé files its rows name


def kind() -> str:
    """ "sqlite" or "postgresql": the configured database's kind."""
    name = db.engine.dialect.name
    if name not in FILES:
        raise PortalError(f"Backups work on SQLite and PostgreSQL, not {name}.")
    return name


def describe(conn: Connection) -> Contents:
    """Row counts of every table, the alembic revision and the résumé files named, as
    ``conn`` sees them (inside a snapshot's transaction, they describe the snapshot)."""
    names = sorted(inspect(conn).get_table_names())
    counts = {name: conn.scalar(select(func.count()).select_from(table(name))) for name in names}
    revision = None
    if REVISION_TABLE in names:
        found = conn.scalars(select(column("version_num")).select_from(table(REVISION_TABLE)))
        revision = ",".join(sorted(found)) or None
    resumes: list[str] = []
    if Resume.__tablename__ in names:
        named = select(Resume.stored_name).where(
            not_(Resume.stored_name.startswith(REMOVED_PREFIX))
        )
        resumes = list(conn.scalars(named))
    return Contents(revision, counts, resumes)


def snapshot(directory: Path) -> tuple[Path, Contents]:
    """Write a consistent copy of the configured database into ``directory``; the file
    and what the copy holds."""
    if kind() == "sqlite":
        return _sqlite_snapshot(directory / FILES["sqlite"])
    return _postgresql_snapshot(directory / FILES["postgresql"])


def sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        raise PortalError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database).resolve()


def _sqlite_snapshot(target: Path) -> tuple[Path, Contents]:
    source_path = sqlite_path(db.engine.url)
    if not source_path.is_file():
        raise PortalError(f"The database file {source_path} does not exist.")
    with (
        closing(sqlite3.connect(source_path, timeout=15)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)  # one step (pages=-1): one read transaction, one committed state
    os.chmod(target, FILE_MODE)
    engine = create_engine(URL.create("sqlite", database=str(target)), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            contents = describe(conn)
    finally:
        engine.dispose()
    # the portal's engines put every SQLite file in WAL mode (portal.extensions); a backup
    # is one self-contained file instead, readable from read-only media
    with closing(sqlite3.connect(target)) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")
    return target, contents


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq connection string (without the password) and the environment (with
    ``PGPASSWORD`` when the URL has one) for ``pg_dump`` / ``pg_restore``."""
    from psycopg.conninfo import make_conninfo

    params = {key: value for key, value in url.query.items() if isinstance(value, str)}
    args = url.translate_connect_args(username="user", database="dbname")
    from_query = params.pop("password", None)
    password = args.pop("password", None) or from_query
    params.update({key: str(value) for key, value in args.items()})
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PortalError(
            f"{name} was not found on PATH. Install the PostgreSQL client programs "
            "(the server's version or newer) or put their folder first on PATH."
        )
    return path


def run(args: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; a PortalError with its message if it fails."""
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        message = result.stderr.strip()[-2000:] or "(no message)"
        name = Path(args[0]).name
        raise PortalError(f"{name} failed (exit status {result.returncode}): {message}")


def _postgresql_snapshot(target: Path) -> tuple[Path, Contents]:
    conninfo, env = libpq(db.engine.url)
    pg_dump = program("pg_dump")
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            snapshot_id = conn.scalar(select(func.pg_export_snapshot()))
            contents = describe(conn)
            # pg_dump reads the snapshot this transaction exported: it stays open until then
            run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    "--no-password",
                    f"--file={target}",
                    f"--dbname={conninfo}",
                ],
                env,
            )
    os.chmod(target, FILE_MODE)
    return target, contents


# --- restore ---------------------------------------------------------------------------


def tables_with_rows(conn: Connection) -> dict[str, int]:
    """The tables that hold rows, with their row counts (``alembic_version`` aside: an
    empty schema made by ``flask db upgrade`` has its one row)."""
    names = [n for n in inspect(conn).get_table_names() if n != REVISION_TABLE]
    busy = [n for n in names if conn.scalar(select(literal(1)).select_from(table(n)).limit(1))]
    return {n: conn.scalar(select(func.count()).select_from(table(n))) for n in busy}


def refuse_unless_empty(conn: Connection | None = None) -> None:
    """A PortalError naming the tables with rows unless the configured database is empty:
    no tables, or tables without rows."""
    if conn is None:
        with db.engine.connect() as own:
            busy = tables_with_rows(own)
    else:
        busy = tables_with_rows(conn)
    if busy:
        named = ", ".join(f"{name} ({rows})" for name, rows in sorted(busy.items()))
        raise PortalError(
            "The database is not empty: a backup is restored into an empty instance only "
            f"(no tables, or tables without rows). Tables with rows: {named}."
        )


def restore(path: Path) -> Contents:
    """Restore the database file of a backup into the configured database, which must be
    empty (checked again here); what it then holds."""
    db.session.remove()
    if kind() == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path)
    db.engine.dispose()
    with db.engine.connect() as conn:
        return describe(conn)


def _restore_sqlite(path: Path) -> None:
    refuse_unless_empty()
    target = sqlite_path(db.engine.url)
    db.engine.dispose()  # no connection of this process holds the file meanwhile
    source_uri = f"{path.resolve().as_uri()}?mode=ro"
    with (
        closing(sqlite3.connect(source_uri, uri=True)) as source,
        closing(sqlite3.connect(target, timeout=15)) as copy,
    ):
        source.backup(copy)  # replaces every page: an empty schema's tables go too


def _restore_postgresql(path: Path) -> None:
    _drop_empty_tables()
    conninfo, env = libpq(db.engine.url)
    db.engine.dispose()
    args = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    run([program("pg_restore"), *args, "--no-password", f"--dbname={conninfo}", str(path)], env)


def _drop_empty_tables() -> None:
    """An empty schema's tables make way for the backup's: locked, found empty again in
    the same transaction (so nothing with rows is dropped), then dropped."""
    with db.engine.begin() as conn:
        names = inspect(conn).get_table_names()
        if not names:
            return
        quoted = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)
        conn.exec_driver_sql(f"LOCK TABLE {quoted}")
        refuse_unless_empty(conn)
        conn.exec_driver_sql(f"DROP TABLE {quoted} CASCADE")


# --- migrations ------------------------------------------------------------------------


def revision_state(revision: str | None) -> str:
    """How a backup's alembic revision compares with this code's migrations: "current",
    "older" (``flask db upgrade`` brings it up to date), "unknown" (made by newer code, or
    another project) or "none" (a database never stamped by migrations)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if not revision:
        return "none"
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    revisions = set(revision.split(","))
    if revisions == set(script.get_heads()):
        return "current"
    try:
        known = all(script.get_revision(r) is not None for r in revisions)
    except CommandError:
        known = False
    return "older" if known else "unknown"
