"""Who may use which route: one row per route and method, one column per role.

Every route of the app must appear in ``TABLE`` (``tests/test_access.py``'s
``test_every_route_is_in_the_table``), so a new route cannot be added without deciding who
may use it. The rows live beside their feature: ``jobs.txt``, ``pools.txt``, ... here.

Roles: ``anon`` (signed out), ``seeker``, ``owner`` (owner of the target agency),
``recruiter`` (recruiter of the target agency), ``other`` (owner of another approved
agency), ``champion`` (HR champion) and ``admin``.

POSTs send the CSRF token and otherwise empty data, so forms fail validation and nothing
is changed, while the status still shows the permission outcome (403 / 404 / login redirect
versus 200 / 302 / 400 for a user who may use the route). One-click actions without fields
(remove a member, revoke an invitation, grant the champion role) do act, but only in the
case's own fresh database.
"""

import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from flask import Flask
from sqlalchemy import make_url, select

from portal import create_app
from portal.extensions import db as _db
from portal.models import Membership, OutboxMessage
from tests.support.access import (
    alerts,
    api_tokens,
    applications,
    job_imports,
    lmi,
    matching_agencies,
    matching_pooling,
    matching_seekers,
    matching_week,
    pools,
    prequal,
    returns,
    seekers,
    webhooks,
)
from tests.support.access.common import LOGIN, MISSING, ROLES
from tests.support.database import PG_URL, REFERENCE_TABLES, seed_reference
from tests.support.factories import new_agency, new_job, new_recruiter, new_user
from tests.support.pages import PortalClient, sign_in

# The rows, one file per feature (``<feature>.txt`` here, in the table's order). The core of
# the world, built here for every feature (see ``build_world``), and its ids in url templates:
#   {agency}               the target agency (approved; owner and recruiter work there)
#   {other_agency}         "Other Agency", owned by "other"
#   {pending_agency}       a pending agency of someone else (for the admin pages)
#   {agency_slug}          the target agency's slug (its public page /agencies/<slug>)
#   {pending_slug}         the pending agency's slug (no public page: 404)
#   {owner_m}              the owner's membership of the target agency
#   {recruiter_m}          the recruiter's membership of the target agency
#   {invitation}, {token}  an open invitation of the target agency: its id, its link token
#   {seeker}               a job seeker
#   {job}, {draft}         a published job and a draft of the target agency
# A feature whose rows need more has a module of the same name: its ``DUMMY_IDS`` and its
# ``build(db, core) -> ids`` (``BUILDERS``, in the order their objects are created).
FEATURES = (
    "pages",
    "health",
    "feeds",
    "auth",
    "agencies",
    "admin",
    "jobs",
    "job_imports",
    "pools",
    "seekers",
    "applications",
    "prequal",
    "matching_seekers",
    "matching_week",
    "matching_agencies",
    "matching_pooling",
    "alerts",
    "returns",
    "lmi",
    "api",
    "api_tokens",
    "webhooks",
    "privacy_export",
    "privacy_delete",
)
BUILDERS = (
    api_tokens,
    job_imports,
    seekers,
    applications,
    prequal,
    pools,
    matching_seekers,
    matching_week,
    matching_agencies,
    matching_pooling,
    alerts,
    returns,
    lmi,
    webhooks,
)


def rows(feature: str) -> list[tuple]:
    """The rows of ``<feature>.txt``: (method, url template, a status per role)."""
    found = []
    for line in (Path(__file__).parent / f"{feature}.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            method, template, *statuses = line.split()
            template = template.replace("{missing}", str(MISSING))
            found.append((method, template, *(s if s == LOGIN else int(s) for s in statuses)))
    return found


TABLE = [row for feature in FEATURES for row in rows(feature)]
UNCHECKED_ENDPOINTS = {"static", "bootstrap.static"}
DUMMY_IDS = {
    "agency": 1,
    "other_agency": 2,
    "pending_agency": 2,
    "agency_slug": "target-agency",
    "pending_slug": "pending-agency",
    "owner_m": 1,
    "recruiter_m": 2,
    "invitation": 1,
    "token": "token",
    "seeker": 1,
    "job": 1,
    "draft": 2,
}
for feature in BUILDERS:
    DUMMY_IDS.update(feature.DUMMY_IDS)


def cases():
    for method, template, *expected in TABLE:
        assert len(expected) == len(ROLES), f"{method} {template}: one status per role"
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(method, template, role, status, id=f"{method} {template} {role}")


# --- the world every row runs in ------------------------------------------------------
#
# Every case runs in its own copy of the same world, so no case sees another's changes
# (POST cases act: they remove members, grant roles, withdraw shares; GET cases write too:
# audit events, view counters, last login). Building the world through the portal's
# services takes far longer than a case, so it is built once per backend and test worker
# (``AccessBackend``) and each case gets a fresh copy of its database, uploaded files and
# search index:
#   SQLite      the world's database file is copied over the case's database file;
#   PostgreSQL  the world's rows are copied once into temporary tables, and before each
#               case the tables are emptied and refilled from them and the sequences set
#               back, in one transaction: about 20 ms a case, where ``CREATE DATABASE ...
#               TEMPLATE`` (plus its DROP) took about 1 s and ``TRUNCATE`` 0.3 s.
# One app per backend and worker serves all the cases, as one server serves many requests
# (``create_app`` is most of 0.1 s); its connections are closed after each case, and each
# case points it at its own copies of the upload and search-index directories.
#
# Every role signs in once, in the world, through the sign-in page (two-step: with a code),
# before the world is saved: what signing in wrote is part of every case's copy, and a
# case's client starts with its role's session cookie, as a browser that signed in before
# (signing in took about half of a case's time, in its requests and queries). The sessions are
# renewed, and the world saved again, long before the shortest idle limit could end them.


@dataclass
class World:
    users: dict  # role -> email (the user logs in with it and tests.support's PASSWORD)
    ids: dict

    def url(self, template: str) -> str:
        return template.format(**self.ids)


class AccessBackend:
    """The access test's app on one backend, and the world it restores for each case."""

    def __init__(self, backend: str, root: Path, worker: str):
        self.backend = backend
        self.root = root
        self.worker = worker
        self.uploads = root / "world-uploads"
        self.search = root / "world-search"
        self.app: Flask | None = None
        self.conn: psycopg.Connection | None = None  # PostgreSQL: holds the world's rows
        self.name: str | None = None  # PostgreSQL: the database's name, once created
        self.sessions: dict[str, str] = {}  # role -> its session cookie, signed in the world
        self.signed_in_at = 0.0  # time.monotonic() of the sign-ins

    def build(self, sqlite_template: Path | None) -> None:
        """Create the database and build the world in it, through the portal's services."""
        backend = self.backend
        self.uploads.mkdir()
        self.search.mkdir()
        if backend == "sqlite":
            self.path = self.root / "case.db"
            self.world_path = self.root / "world.db"
            shutil.copyfile(sqlite_template, self.path)
            url = f"sqlite:///{self.path}"
        else:
            base = make_url(PG_URL)
            self.admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
            name = f"portal_access_{self.worker}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            self.name = name
            url = base.set(database=name).render_as_string(hide_password=False)
            self.dsn = base.set(drivername="postgresql", database=name).render_as_string(
                hide_password=False
            )
            seed_reference(url)
        self.app = create_app(
            "testing",
            {
                "DATABASE_URL": url,
                "SEARCH_INDEX_DIR": str(self.search),
                "UPLOAD_DIR": str(self.uploads),
            },
        )
        self.app.test_client_class = PortalClient
        self.extensions = set(self.app.extensions)  # what the app holds before any request
        with self.app.app_context():
            try:
                self.world = build_world(_db)
            finally:
                _db.session.remove()
                _db.engine.dispose()
        self._sign_in_and_save()

    def _sign_in_and_save(self) -> None:
        """Every role signs in (in the database as it is now, which then is the world)."""
        name = self.app.config["SESSION_COOKIE_NAME"]
        for role, email in self.world.users.items():
            client = self.app.test_client()
            sign_in(client, email)
            self.sessions[role] = client.get_cookie(name).value
        self.signed_in_at = time.monotonic()
        self.end_case()
        if self.backend == "sqlite":
            assert not Path(f"{self.path}-wal").exists(), "the world's WAL was not checkpointed"
            shutil.copyfile(self.path, self.world_path)
        else:
            self._pg_snapshot()

    def renew_sessions(self) -> None:
        """Sign everyone in again when their sessions are a sixth of the shortest idle
        limit old (a long test run must not find them ended; minutes apart, so the two-step
        codes of one 30-second step are never used up)."""
        config = self.app.config
        idle = min(config["SESSION_IDLE_MINUTES_STAFF"], config["SESSION_IDLE_MINUTES_SEEKER"])
        if time.monotonic() - self.signed_in_at > idle * 60 / 6:
            self._restore()
            self._sign_in_and_save()

    def sign_in(self, client: PortalClient, role: str) -> None:
        """The client carries ``role``'s session, signed in the world."""
        client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.sessions[role])

    # PostgreSQL: a copy of the world's rows in temporary tables of a connection of our own
    # (invisible to the app's connections), put back with one statement list per case

    def _pg_snapshot(self) -> None:
        tables = [table.name for table in _db.metadata.sorted_tables]  # parents first
        reference = [name for name in tables if name in REFERENCE_TABLES]
        if self.conn is not None:
            self.conn.close()  # its temporary tables go with it
        self.conn = psycopg.connect(self.dsn, autocommit=True)
        self.conn.execute(
            "; ".join(
                f'CREATE TEMPORARY TABLE "world_{name}" AS SELECT * FROM "{name}"'
                for name in tables
            )
        )
        sequences = self.conn.execute(
            "SELECT format('%I.%I', schemaname, sequencename), start_value, last_value "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        ).fetchall()
        # a sequence never used has no last value: its next value is its start value
        setvals = ", ".join(
            f"setval('{name}', {start}, false)"
            if last is None
            else f"setval('{name}', {last}, true)"
            for name, start, last in sequences
        )

        def restore(names: list[str]) -> str:
            return "; ".join(
                ["BEGIN"]
                + [f'DELETE FROM "{name}"' for name in reversed(names)]  # children first
                + [f'INSERT INTO "{name}" SELECT * FROM "world_{name}"' for name in names]
                + [f"SELECT {setvals}" if setvals else "SELECT 1", "COMMIT"]
            )

        # The reference tables are only read by the routes (so putting back their rows, the
        # slowest part, is mostly skipped); their content is compared before each case.
        self.reference_check = (
            " UNION ALL ".join(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{name}" t'
                for name in reference
            )
            or "SELECT 1"
        )
        self.reference_rows = self._reference_rows()
        self.restore_all = restore(tables)
        self.restore_data = restore([name for name in tables if name not in reference])

    def _reference_rows(self) -> list:
        return self.conn.execute(self.reference_check).fetchall()

    def _pg_restore(self) -> None:
        unchanged = self._reference_rows() == self.reference_rows
        try:
            self.conn.execute(self.restore_data if unchanged else self.restore_all)
        except BaseException:
            self.conn.execute("ROLLBACK")  # so the next case may try again
            raise

    # each case

    def _restore(self) -> None:
        if self.backend == "sqlite":
            for leftover in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm"), self.path):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(self.world_path, self.path)
        else:
            self._pg_restore()

    def fresh_case(self, tmp_path: Path) -> Flask:
        """The app, on a fresh copy of the world (database, uploads, search index)."""
        self.renew_sessions()
        self._restore()
        # what the app keeps in memory from earlier requests (matching's copy of the open
        # shares, tracking the outbox of a database since put back) goes, as in a new process
        for name in set(self.app.extensions) - self.extensions:
            del self.app.extensions[name]
        # a few small files: copied, so a case may add résumés or update the index
        shutil.copytree(self.uploads, tmp_path / "uploads")
        shutil.copytree(self.search, tmp_path / "search")
        self.app.config.update(
            UPLOAD_DIR=str(tmp_path / "uploads"), SEARCH_INDEX_DIR=str(tmp_path / "search")
        )
        return self.app

    def end_case(self) -> None:
        with self.app.app_context():
            engine = _db.engine
            leaked = engine.pool.checkedout()
            engine.dispose()  # the next case starts with new connections to its own copy
        assert leaked == 0, "a request left a database connection checked out"

    def close(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                _db.engine.dispose()
        if self.conn is not None:
            self.conn.close()
        if self.name is not None:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def build_world(db) -> World:
    """The world, through the portal's own services (in the app context of its database)."""
    from portal.agencies.services import invite_recruiter

    owner = new_user(role="agency", name="Olive Owner")
    agency = new_agency(owner=owner, name="Target Agency")
    recruiter = new_recruiter(agency, new_user(role="agency", name="Rita Recruiter"))
    other = new_user(role="agency", name="Oscar Other")
    other_agency = new_agency(owner=other, name="Other Agency")
    pending = new_agency(status="pending", name="Pending Agency")
    users = {
        "seeker": new_user(role="seeker", name="Sam Seeker"),
        "owner": owner,
        "recruiter": recruiter,
        "other": other,
        # two-step sign-in on: they may download extracts and manage users
        "champion": new_user(role="champion", name="Harper Champion", two_step=True),
        "admin": new_user(role="admin", name="Alex Admin", two_step=True),
    }
    invitation = invite_recruiter(agency, "invitee@example.org", owner)
    db.session.commit()
    job = new_job(agency=agency, title="Published Support Worker")
    draft = new_job(agency=agency, status="draft", title="Draft Support Worker")
    body = db.session.scalar(
        select(OutboxMessage.body_text).where(OutboxMessage.recipient == "invitee@example.org")
    )
    token = re.search(r"/invitations/(\S+)", body).group(1)
    core = SimpleNamespace(users=users, agency=agency, other_agency=other_agency, job=job)

    def membership_id(user):
        return db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id, Membership.agency_id == agency.id
            )
        )

    ids = {
        "agency": agency.id,
        "pending_agency": pending.id,
        "agency_slug": agency.slug,
        "pending_slug": pending.slug,
        "owner_m": membership_id(owner),
        "recruiter_m": membership_id(recruiter),
        "invitation": invitation.id,
        "token": token,
        "seeker": users["seeker"].id,
        "job": job.id,
        "draft": draft.id,
        "other_agency": other_agency.id,
    }
    for feature in BUILDERS:
        ids.update(feature.build(db, core))
    # the session is removed after the build: what a builder left uncommitted is not part
    # of the world (the requests never saw it)
    return World(users={role: user.email for role, user in users.items()}, ids=ids)
