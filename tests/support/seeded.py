"""A database seeded once per test session and backend, copied for each test that starts
from it: its database, uploaded files and search index (the demo, ``tests/support/demo.py``;
a test module's own world, through the ``seeded_databases`` fixture).

Seeding takes seconds to tens of seconds; a copy takes milliseconds (SQLite: the file) to
about a second (PostgreSQL: ``CREATE DATABASE ... TEMPLATE``). On SQLite the xdist workers
share one seeded copy (the first to need it seeds it, under a file lock); on PostgreSQL
each worker seeds its own template database (a template must have no other connections
while it is copied, so two workers could not copy one at the same time).
"""

import fcntl
import shutil
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from portal import create_app
from portal.extensions import db as _db
from tests.support.database import PG_URL, seed_reference
from tests.support.pages import PortalClient

# seed(url, files) -> text: seeds the database at ``url`` (uploads and search index under
# ``files``) and returns what a test needs to know of it (printed output, JSON of ids)
Seed = Callable[[str, Path], str]


def app_for(url: str, files: Path):
    """The app on the database at ``url``, its uploads and search index under ``files``."""
    app = create_app(
        "testing",
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(files / "search"),
            "UPLOAD_DIR": str(files / "uploads"),
        },
    )
    app.test_client_class = PortalClient
    return app


def seed_in_app(build: Callable[[], str]) -> Seed:
    """A seed that runs ``build()`` in an app context of the database being seeded."""

    def seed(url: str, files: Path) -> str:
        app = app_for(url, files)
        with app.app_context():
            try:
                return build()
            finally:
                _db.session.remove()
                _db.engine.dispose()

    return seed


@contextmanager
def locked(path: Path):
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class SeededDatabase:
    """One seeded database on one backend: ``output`` is what its seed returned."""

    def __init__(self, name: str, seed: Seed, backend: str, root: Path, worker: str):
        self.name = name
        self.seed = seed
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
                    done.write_text(self.seed(f"sqlite:///{self.root / 'portal.db'}", self.root))
                self.output = done.read_text()
        else:
            self.root.mkdir()
            name = f"portal_{self.name}_{self.worker}_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{name}"')
            self.template = name
            url = self._url(name)
            seed_reference(url)
            self.output = self.seed(url, self.root)

    def copy(self, to: Path) -> str:
        """A copy for one test, its files under ``to``; returns its URL."""
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
