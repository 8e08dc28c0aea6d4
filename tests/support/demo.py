"""The demo (``portal seed-demo``) seeded once per test session and backend; each test
marked ``demo`` gets a copy of it: its database, uploaded résumés and search index.

Seeding takes seconds to tens of seconds; a copy takes milliseconds (SQLite: the file) to
about a second (PostgreSQL: ``CREATE DATABASE ... TEMPLATE``). On SQLite the xdist workers
share one seeded copy (the first to need it seeds it, under a file lock); on PostgreSQL
each worker seeds its own template database (a template must have no other connections
while it is copied, so two workers could not copy one at the same time).
"""

import fcntl
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from portal import create_app
from portal.extensions import db as _db
from tests.support.database import PG_URL, seed_reference


def seed(url: str, files: Path) -> str:
    """Run ``portal seed-demo`` on the database at ``url`` (files under ``files``); returns
    what it printed."""
    app = create_app(
        "testing",
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(files / "search"),
            "UPLOAD_DIR": str(files / "uploads"),
        },
    )
    result = app.test_cli_runner().invoke(args=["portal", "seed-demo"])
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@contextmanager
def locked(path: Path):
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class SeededDemo:
    """The seeded demo on one backend: ``output`` is what ``portal seed-demo`` printed."""

    def __init__(self, backend: str, root: Path, worker: str):
        self.backend = backend
        self.root = root
        self.worker = worker
        self.template: str | None = None  # PostgreSQL: the seeded database's name
        self.output = ""

    def build(self, sqlite_template: Path | None) -> None:
        if self.backend == "sqlite":
            with locked(self.root.parent / f"{self.root.name}.lock"):
                done = self.root / "output.txt"
                if not done.exists():
                    self.root.mkdir(exist_ok=True)
                    shutil.copyfile(sqlite_template, self.root / "portal.db")
                    done.write_text(seed(f"sqlite:///{self.root / 'portal.db'}", self.root))
                self.output = done.read_text()
        else:
            self.root.mkdir()
            name = f"portal_demo_{self.worker}_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{name}"')
            self.template = name
            url = self._url(name)
            seed_reference(url)
            self.output = seed(url, self.root)

    def copy(self, to: Path) -> str:
        """A copy of the demo for one test, its files under ``to``; returns its URL."""
        for name in ("search", "uploads"):
            if (self.root / name).exists():
                shutil.copytree(self.root / name, to / name)
        if self.backend == "sqlite":
            shutil.copyfile(self.root / "portal.db", to / "portal.db")
            return f"sqlite:///{to / 'portal.db'}"
        name = f"portal_test_{self.worker}_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url(name)

    def discard(self, url: str) -> None:
        """Drop a copy's database (PostgreSQL; a SQLite copy goes with the test's files)."""
        if self.backend == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        if self.template is not None:
            self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        dsn = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(statement)

    def _url(self, name: str) -> str:
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
