"""The fixtures every test module may use, registered as a pytest plugin by
``tests/conftest.py``: ``app``, ``db``, ``client``, ``runner``, ``login``, ``signed_in``,
``mailbox``, the ``make_*`` factories, ``argon2_calls`` and the access test's world.

Every test that uses ``app`` runs once on SQLite and, when ``PORTAL_TEST_DATABASE_URL`` is
set, once more on PostgreSQL (test ids end in ``[sqlite]`` / ``[postgresql]``).
"""

import os
import shutil
import socket
import uuid

import psycopg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import make_url

from portal import create_app
from portal.extensions import db as _db
from tests.support import compiled
from tests.support.access import AccessBackend, World
from tests.support.database import (
    BACKENDS,
    PG_URL,
    empty_tables,
    forget,
    seed_reference,
    worker_id,
)
from tests.support.demo import SeededDemo
from tests.support.factories import new_agency, new_job, new_recruiter, new_user
from tests.support.mail import Mailbox
from tests.support.pages import PortalClient, sign_in
from tests.support.seeded import Seed, SeededDatabase


def pytest_configure(config):
    compiled.install()  # each app's routes and templates compiled once per test process
    if os.environ.get("PORTAL_REQUIRE_ALL_BACKENDS") and not PG_URL:
        raise pytest.UsageError(
            "PORTAL_REQUIRE_ALL_BACKENDS is set but PORTAL_TEST_DATABASE_URL is not: "
            "the PostgreSQL tests would be skipped."
        )


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql_only`` lose their SQLite variant (deselected, not skipped)."""
    dropped = [
        item
        for item in items
        if item.get_closest_marker("postgresql_only") and "[sqlite" in item.name
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


# --- the app on each backend -----------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file with the schema and reference data, copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    seed_reference(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database(request):
    """A PostgreSQL database of this test worker's own, dropped at the end."""
    base = make_url(PG_URL)
    name = f"portal_test_{worker_id(request)}_{uuid.uuid4().hex[:8]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    seed_reference(url)
    yield url
    forget(url)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class BuiltOnce:
    """Built per backend when a test first needs it, kept for the session, closed at its end
    (the seeded demo, the access test's world); a build that failed is not tried again."""

    def __init__(self, request, what: str, create):
        self.request = request
        self.what = what
        self.create = create  # backend -> an object with build(sqlite_template) and close()
        self.built: dict = {}
        self.failed: dict[str, str] = {}

    def __call__(self, backend: str):
        if backend in self.failed:
            pytest.fail(f"{self.what} could not be built on {backend}: {self.failed[backend]}")
        if backend not in self.built:
            sqlite = backend == "sqlite"
            template = self.request.getfixturevalue("sqlite_template") if sqlite else None
            built = self.built[backend] = self.create(backend)
            try:
                built.build(template)
            except BaseException as error:
                self.failed[backend] = repr(error)
                raise
        return self.built[backend]

    def close(self) -> None:
        for built in self.built.values():
            built.close()


@pytest.fixture(scope="session")
def seeded_demo(request, tmp_path_factory):
    """The demo seeded once per backend (``SeededDemo``), when a test first needs it."""
    basetemp = tmp_path_factory.getbasetemp()
    shared = basetemp.parent if hasattr(request.config, "workerinput") else basetemp

    def create(backend: str) -> SeededDemo:
        root = shared / "demo-sqlite" if backend == "sqlite" else basetemp / "demo-postgresql"
        return SeededDemo(backend, root, worker_id(request))

    seeded = BuiltOnce(request, "the demo", create)
    yield seeded
    seeded.close()


@pytest.fixture
def demo(request, seeded_demo) -> SeededDemo:
    """A test that asks for ``demo`` runs on a copy of the demo, seeded once per session:
    its ``app`` starts with the demo's rows, résumés and search index. This is the seeded
    demo (``demo.output``: what ``portal seed-demo`` printed when it seeded it)."""
    return seeded_demo(request.node.callspec.params["app"])


@pytest.fixture(scope="session")
def seeded_databases(request, tmp_path_factory):
    """Databases a test module seeds once per backend, by name, when a test first needs
    one. A module's ``seeded`` fixture returns one; a test that asks for ``seeded`` runs on
    a copy of it, as a test that asks for ``demo`` does on the demo's::

        @pytest.fixture
        def seeded(request, seeded_databases):
            backend = request.node.callspec.params["app"]
            return seeded_databases("ranking", seed_in_app(build), backend)

    A seed gives its users their own email addresses: on SQLite another worker may have
    seeded it, and each worker's factories number their ``person<n>@example.org``.
    """
    basetemp = tmp_path_factory.getbasetemp()
    shared = basetemp.parent if hasattr(request.config, "workerinput") else basetemp
    by_name: dict[str, BuiltOnce] = {}

    def seeded(name: str, seed: Seed, backend: str) -> SeededDatabase:
        if name not in by_name:

            def create(backend: str) -> SeededDatabase:
                root = (shared if backend == "sqlite" else basetemp) / f"{name}-{backend}"
                return SeededDatabase(name, seed, backend, root, worker_id(request))

            by_name[name] = BuiltOnce(request, name, create)
        return by_name[name](backend)

    yield seeded
    for built in by_name.values():
        built.close()


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path):
    """The app on a database of the test's own: the reference data only or, for a test
    that asks for ``demo`` (or its module's ``seeded``), a copy of the seeded database."""
    backend = request.param
    demo = None
    starts_from = [name for name in ("demo", "seeded") if name in request.fixturenames]
    if starts_from:
        assert len(starts_from) == 1, "a test starts from one seeded database"
        demo = request.getfixturevalue(starts_from[0])
        url = demo.copy(tmp_path)
    elif backend == "sqlite":
        path = tmp_path / "portal.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_database")
    app = create_app(
        "testing",
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(tmp_path / "search"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        },
    )
    app.test_client_class = PortalClient
    ctx = app.app_context()
    ctx.push()
    yield app
    _db.session.remove()
    _db.engine.dispose()
    ctx.pop()
    if demo is not None:
        demo.discard(url)
    elif backend == "postgresql":
        empty_tables(url)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> PortalClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login():
    """Sign in through the sign-in page; a user with two-step sign-in on then sends a code
    from their app (see ``two_step_code``)."""
    return sign_in


@pytest.fixture
def signed_in(app):
    """A new client signed in as ``user`` (several people act in one test)."""

    def make(user) -> PortalClient:
        client = app.test_client()
        sign_in(client, user)
        return client

    return make


@pytest.fixture
def argon2_calls(monkeypatch) -> list[str]:
    """The argon2 work done while the test runs: "hash" and "verify", in order (to show
    that two answers cost the same, so timing tells nothing)."""
    import argon2

    calls: list[str] = []
    for name in ("hash", "verify"):
        original = getattr(argon2.PasswordHasher, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(argon2.PasswordHasher, name, spy)
    return calls


# --- mail: a real SMTP server ----------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd needs a concrete free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server) -> Mailbox:
    controller, box = smtp_server
    box.messages.clear()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    return box


# --- factories -------------------------------------------------------------------------


@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def make_agency(db, make_user):
    return new_agency


@pytest.fixture
def make_recruiter(db, make_user):
    return new_recruiter


@pytest.fixture
def make_job(db, make_agency):
    """A job through the portal's own services (published by default) and in the index."""
    return new_job


# --- the access test's world (see tests/support/access) -------------------------------


@pytest.fixture(scope="session")
def access_backends(request, tmp_path_factory):
    """This worker's ``AccessBackend`` per backend, built when first needed."""

    def create(backend: str) -> AccessBackend:
        root = tmp_path_factory.mktemp(f"access-{backend}")
        return AccessBackend(backend, root, worker_id(request))

    backends = BuiltOnce(request, "the access world", create)
    yield backends
    backends.close()


@pytest.fixture(params=BACKENDS)
def access_backend(request, access_backends) -> AccessBackend:
    return access_backends(request.param)


@pytest.fixture
def access_app(access_backend, tmp_path):
    app = access_backend.fresh_case(tmp_path)
    yield app
    access_backend.end_case()


@pytest.fixture
def access_client(access_app) -> PortalClient:
    return access_app.test_client()


@pytest.fixture
def world(access_backend, access_app) -> World:
    return access_backend.world
