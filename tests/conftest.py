"""Shared fixtures: ``app``, ``db``, ``client``, ``runner``, ``mailbox`` and factories.

Every test that uses ``app`` runs once on SQLite and, when ``PORTAL_TEST_DATABASE_URL`` is
set, once more on PostgreSQL (test ids end in ``[sqlite]`` / ``[postgresql]``).
"""

import contextvars
import html
import os
import re
import shutil
import socket
import time
import uuid
from email import message_from_bytes, policy
from itertools import count

import psycopg
import pyotp
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url

from portal import create_app
from portal.extensions import db as _db
from portal.models.types import utcnow
from portal.reference.services import load_reference

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery staple"
REFERENCE_TABLES = {
    "regions",
    "communities",
    "occupations",
    "credentials",
    "subsectors",
    "cssea_divisions",
}
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def pytest_configure(config):
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


def _worker(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _seed_reference(url: str) -> None:
    app = create_app("testing", {"DATABASE_URL": url})
    with app.app_context():
        _db.create_all()
        load_reference()
        _db.session.commit()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file with the schema and reference data, copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    _seed_reference(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database(request):
    """A PostgreSQL database of this test worker's own, dropped at the end."""
    base = make_url(PG_URL)
    name = f"portal_test_{_worker(request)}_{uuid.uuid4().hex[:8]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    _seed_reference(url)
    yield url
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in _db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    engine.dispose()


class PortalClient(FlaskClient):
    """The test client, plus ``post_form`` which sends the CSRF token like a browser.

    Each request runs in its own app context, as on a real server. The ``app`` fixture keeps
    an app context pushed for the test's own database work, and Flask reuses a pushed
    context for requests: ``g`` (Flask-Login's cached user, Flask-WTF's CSRF token) and the
    database session would then be shared by the test and every request, so a view that
    forgot to commit, or a session the server ended, could pass unnoticed. An empty
    ``contextvars.Context`` makes Flask push, and tear down, a fresh context per request.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/forgot").get_data(as_text=True)
        return CSRF_RE.search(page).group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path):
    backend = request.param
    if backend == "sqlite":
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
    if backend == "postgresql":
        _truncate(url)


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


class Mailbox:
    """Messages received by a real (aiosmtpd) SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def deliver(self):
        """Run the outbox sender (as the worker would) and return all messages received."""
        from portal import mail

        mail.send_pending()
        return self.messages

    def to(self, address: str):
        return [m for m in self.deliver() if m["To"] == address]

    def last_link(self, address: str, path_fragment: str = "") -> str:
        """The last http link in the last message sent to ``address``."""
        messages = self.to(address)
        assert messages, f"no email to {address}"
        body = messages[-1].get_body(("plain",)).get_content()
        links = [link for link in re.findall(r"https?://\S+", body) if path_fragment in link]
        assert links, f"no link with {path_fragment!r} in: {body}"
        return links[-1]


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


def path_of(link: str) -> str:
    """The path (and query) of an absolute link, to request it with the test client."""
    return re.sub(r"^https?://[^/]+", "", link)


# --- factories -------------------------------------------------------------------------

_seq = count(1)


def new_user(
    role: str = "seeker",
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    confirmed: bool = True,
    two_step: bool = False,
):
    """A user through the portal's own services (``make_user``); ``two_step``: with
    two-step sign-in on (the ``login`` fixture then sends a code from its secret).

    The factories are plain functions, usable in any app context (the access test builds
    its world once per worker with them); the ``make_*`` fixtures hand them out."""
    from portal.auth.services import create_user

    n = next(_seq)
    user = create_user(
        name or f"Person {n}", email or f"person{n}@example.org", password, role=role
    )
    if confirmed:
        user.email_confirmed_at = utcnow()
    if two_step:
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = utcnow()
    _db.session.commit()
    return user


def new_agency(owner=None, status: str = "approved", name: str | None = None, **fields):
    """An agency through the portal's own services (``make_agency``)."""
    from sqlalchemy import select

    from portal.agencies.services import register_agency
    from portal.models import Community, Subsector

    owner = owner or new_user(role="agency")
    community = _db.session.scalar(select(Community).order_by(Community.id))
    subsector = _db.session.scalar(select(Subsector).order_by(Subsector.id))
    data = {
        "legal_name": f"{name or 'Agency'} Society",
        "name": name or f"Agency {next(_seq)}",
        "community_id": community.id,
        "subsector_id": subsector.id,
        "cssea_member": False,
        "cssea_division_id": None,
        "unionized": False,
        "website": None,
        "phone": None,
    }
    data.update(fields)
    agency = register_agency(owner, data)
    agency.status = status
    _db.session.commit()
    return agency


def new_recruiter(agency, user=None):
    """A recruiter of ``agency`` (``make_recruiter``)."""
    from portal.models import Membership

    user = user or new_user(role="agency")
    _db.session.add(Membership(user=user, agency=agency, role="recruiter"))
    _db.session.commit()
    return user


def new_job(agency=None, status: str = "published", **fields):
    """A job through the portal's own services (published by default) and in the index
    (``make_job``)."""
    from portal.jobs import services
    from portal.search import sync_after_commit

    agency = agency or new_agency()
    owner = agency.owner
    data = job_fields(_db, **fields)
    job = services.create_draft(agency, data, owner)
    if status != "draft":
        services.publish(job, owner)
        if status in ("closed", "filled"):
            services._end(job, status, owner)
        elif status == "expired":
            job.status = "expired"
    _db.session.commit()
    sync_after_commit()
    return job


@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def make_agency(db, make_user):
    return new_agency


@pytest.fixture
def make_recruiter(db, make_user):
    return new_recruiter


def job_fields(db, **fields) -> dict:
    """A complete, valid job form's data for the job services; ``fields`` override it."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.jobs import services
    from portal.models import Community, Occupation

    data = {
        "title": "Community Support Worker",
        "description": "Support adults with developmental disabilities in a group home.",
        "occupation_id": db.session.scalar(
            select(Occupation.id).where(Occupation.noc_code == "42201")
        ),
        "community_id": db.session.scalar(select(Community.id).order_by(Community.id)),
        "employment_type": "full_time",
        "hours_per_week": 37.5,
        "schedule": "Monday to Friday",
        "pay_min_cents": 2600,
        "pay_max_cents": 3100,
        "pay_unit": "hourly",
        "union_position": False,
        "how_to_apply": "Apply on the portal.",
        "closes_on": services.today_pacific() + timedelta(days=30),
    }
    data.update(fields)
    return data


def text(response) -> str:
    """The page of a response, HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def field_error(page: str, field: str) -> str | None:
    """The inline error shown under ``field`` (rendered by the ``field`` macro)."""
    found = re.search(
        rf'<div id="{field}-error" class="invalid-feedback d-block">([^<]*)</div>', page
    )
    return found.group(1) if found else None


@pytest.fixture
def make_job(db, make_agency):
    """A job through the portal's own services (published by default) and in the index."""
    return new_job


def two_step_code(app, email: str) -> str:
    """A code from the user's authenticator app, as the app would show it: for the current
    time step, or the next one when the current one's code was already used (the portal
    accepts one step either side). Read in a context of its own, as a request would."""
    from sqlalchemy import select

    from portal.models import User

    def read():
        with app.app_context():
            return _db.session.execute(
                select(User.totp_secret, User.totp_last_timestep).where(
                    User.email == email.strip().lower()
                )
            ).one()

    secret, last = contextvars.Context().run(read)
    now = int(time.time()) // 30
    step = now if last is None or last < now else last + 1
    assert step <= now + 1, "this user's codes for now and the next 30 s are used up"
    return pyotp.TOTP(secret).generate_otp(step)


def set_up_two_step(client: PortalClient, next_url: str | None = None):
    """Turn on two-step sign-in through its pages, as a signed-in user would; returns the
    secret (read from the page, as typed into an app) and the recovery codes shown."""
    url = "/account/two-step/setup" + (f"?next={next_url}" if next_url else "")
    page = text(client.get(url))
    secret = (
        re.search(r'<code class="two-step-secret" id="secret">([A-Z2-7 ]+)</code>', page)
        .group(1)
        .replace(" ", "")
    )
    response = client.post_form(url, {"code": pyotp.TOTP(secret).now(), "next": next_url or ""})
    assert response.status_code == 200, text(response)[:2000]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", text(response))
    assert len(codes) == 10
    return secret, codes


@pytest.fixture
def login():
    """Sign in through the sign-in page; a user with two-step sign-in on then sends a code
    from their app (see ``two_step_code``)."""

    def do(client: PortalClient, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        response = client.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if response.location.split("?")[0].endswith("/login/verify"):
            response = client.post_form(
                "/login/verify", {"code": two_step_code(client.application, email)}
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return do
