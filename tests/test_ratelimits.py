"""Rate limits (portal/ratelimits.py): each limited form answers 429 with the friendly page
and Retry-After once its limit is used up; counts are per user, else per address, and per
email address for the mailing forms; memory storage by default, Redis when configured."""

import os
import socket
import uuid

import pytest
from flask import Blueprint
from limits import parse

from portal import create_app, ratelimits
from portal.config import Config
from portal.extensions import db as _db
from tests.support import PortalClient, text
from tests.support.backends import redis_server

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def sign_in_as(role):
    """Sign ``client`` in as a new user of ``role`` (an agency's owner for "agency")."""

    def prepare(client, login, make_user, make_agency):
        if role == "agency":
            login(client, make_agency().owner)
        elif role == "seeker":
            login(client, make_user(role="seeker"))

    return prepare


# route → (setting, who sends it, the form's URL (i: attempt number), the form's data)
CASES = {
    "register": (
        "RATELIMIT_REGISTER",
        None,
        lambda i: "/register",
        lambda i: {"email": f"new{i}@example.org"},
    ),
    "agency-register": (
        "RATELIMIT_REGISTER",
        None,
        lambda i: "/agencies/register",
        lambda i: {"email": f"new{i}@example.org"},
    ),
    "password-reset": (
        "RATELIMIT_PASSWORD_RESET",
        None,
        lambda i: "/forgot",
        lambda i: {"email": f"someone{i}@example.org"},
    ),
    "confirmation-resend": (
        "RATELIMIT_CONFIRMATION_RESEND",
        None,
        lambda i: "/confirm",
        lambda i: {"email": f"someone{i}@example.org"},
    ),
    "email-change": (
        "RATELIMIT_CONFIRMATION_RESEND",
        "seeker",
        lambda i: "/account/email",
        lambda i: {"new_email": f"new{i}@example.org", "email_password": "no"},
    ),
    "apply": ("RATELIMIT_APPLY", "seeker", lambda i: "/jobs/1/apply", lambda i: {}),
    "staff-invitation": (
        "RATELIMIT_INVITATIONS",
        "agency",
        lambda i: "/agency/staff/invite",
        lambda i: {"email": f"recruiter{i}@example.org"},
    ),
    "job-invitation": (
        "RATELIMIT_INVITATIONS",
        "agency",
        lambda i: f"/agency/talent/{i + 1}/invite",
        lambda i: {"job_id": "1"},
    ),
    "partner-invitation": (
        "RATELIMIT_INVITATIONS",
        "agency",
        lambda i: f"/agency/jobs/{i + 1}/partners/invite",
        lambda i: {"agency_id": "1"},
    ),
    "list-partner": (
        "RATELIMIT_INVITATIONS",
        "agency",
        lambda i: f"/agency/lists/{i + 1}/partners",
        lambda i: {"agency_id": "1"},
    ),
}


def assert_refused(response, window: int = 3600):
    """The 429 page says what to do; Retry-After is the seconds left of the limit's window."""
    assert response.status_code == 429
    page = text(response)
    assert "Too many attempts" in page and "try again" in page
    seconds = int(response.headers["Retry-After"])
    assert window - 5 < seconds <= window
    if window <= 3600:
        assert f"wait about {-(-seconds // 60)} minutes" in page
    else:
        assert f"wait about {-(-seconds // 3600)} hours" in page


@pytest.mark.parametrize("case", CASES)
def test_limited_form_is_refused_after_its_limit(app, client, login, make_user, make_agency, case):
    setting, role, url, data = CASES[case]
    sign_in_as(role)(client, login, make_user, make_agency)
    limit = app.config[setting] = (
        "3 per day" if setting == "RATELIMIT_INVITATIONS" else "3 per hour"
    )
    for i in range(3):
        assert client.post_form(url(i), data(i)).status_code != 429
    assert_refused(client.post_form(url(3), data(3)), 86400 if "day" in limit else 3600)
    assert client.get("/").status_code == 200  # only that form is paused


def test_looking_at_a_form_is_not_counted(app, client):
    app.config["RATELIMIT_PASSWORD_RESET"] = "2 per hour"
    for _ in range(5):
        assert client.get("/forgot").status_code == 200


def test_default_limit_is_the_documented_one(app, client):
    app.config["RATELIMIT_PASSWORD_RESET"] = Config.RATELIMIT_PASSWORD_RESET
    allowed = parse(Config.RATELIMIT_PASSWORD_RESET).amount
    assert allowed == 5
    for i in range(allowed):
        assert client.post_form("/forgot", {"email": f"a{i}@example.org"}).status_code == 302
    assert_refused(client.post_form("/forgot", {"email": "another@example.org"}))


def test_seeker_and_agency_registration_share_one_count(app, client):
    app.config["RATELIMIT_REGISTER"] = "2 per hour"
    assert client.post_form("/register", {}).status_code != 429
    assert client.post_form("/agencies/register", {}).status_code != 429
    assert_refused(client.post_form("/register", {}))
    assert_refused(client.post_form("/agencies/register", {}))


def test_invitations_of_every_kind_share_one_count(app, client, login, make_agency):
    login(client, make_agency().owner)
    app.config["RATELIMIT_INVITATIONS"] = "2 per day"
    assert client.post_form("/agency/staff/invite", {"email": "a@example.org"}).status_code != 429
    assert client.post_form("/agency/talent/1/invite", {"job_id": "1"}).status_code != 429
    assert_refused(client.post_form("/agency/jobs/1/partners/invite", {"agency_id": "1"}), 86400)


def test_signed_in_users_are_counted_each_on_their_own(app, login, make_user):
    app.config["RATELIMIT_APPLY"] = "2 per hour"
    first, second = app.test_client(), app.test_client()
    login(first, make_user(role="seeker"))
    login(second, make_user(role="seeker"))
    for _ in range(2):
        first.post_form("/jobs/1/apply", {})
    assert_refused(first.post_form("/jobs/1/apply", {}))
    assert second.post_form("/jobs/1/apply", {}).status_code != 429  # same address


def test_a_forged_forwarded_for_does_not_escape_the_limit(app, client):
    app.config["RATELIMIT_PASSWORD_RESET"] = "1 per hour"
    client.post_form(
        "/forgot", {"email": "a@example.org"}, headers={"X-Forwarded-For": "203.0.113.1"}
    )
    assert_refused(
        client.post_form(
            "/forgot", {"email": "b@example.org"}, headers={"X-Forwarded-For": "203.0.113.2"}
        )
    )


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(app):
    proxied = another_app(app, TRUSTED_PROXIES=1)  # nginx in front: all from 127.0.0.1
    try:
        client = proxied.test_client()
        for n in (1, 2):
            response = client.post(
                "/forgot",
                data={"email": f"{n}@example.org"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            assert response.status_code == 302
        assert_refused(
            client.post(
                "/forgot",
                data={"email": "3@example.org"},
                headers={"X-Forwarded-For": "203.0.113.1"},
            )
        )
    finally:
        dispose(proxied)


def test_one_inbox_gets_only_a_few_emails_from_each_form(app, client):
    """Counted per address typed in: a flood from many client addresses still stops."""
    app.config["RATELIMIT_PER_EMAIL"] = "2 per hour"
    for n in range(2):
        sent = client.post_form(
            "/forgot", {"email": "Victim@example.org"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        )
        assert sent.status_code == 302
    assert_refused(
        client.post_form(
            "/forgot", {"email": "victim@example.org "}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
        )
    )
    assert client.post_form("/forgot", {"email": "other@example.org"}).status_code == 302
    # the other forms count their own emails
    assert client.post_form("/confirm", {"email": "victim@example.org"}).status_code == 302


def test_api_limit_covers_every_route_of_a_blueprint(app, client):
    """For the API when it comes: ``ratelimits.api(bp)`` limits each route, each method."""
    api = Blueprint(f"api_{uuid.uuid4().hex}", __name__, url_prefix="/api-probe")

    @api.route("/<int:n>", methods=["GET", "POST"])
    def probe(n):
        return "ok"

    ratelimits.api(api)
    app.register_blueprint(api)
    app.config["RATELIMIT_API"] = "3 per hour"
    assert client.get("/api-probe/1").status_code == 200
    assert client.get("/api-probe/2").status_code == 200
    assert client.post_form("/api-probe/3").status_code == 200
    assert_refused(client.get("/api-probe/4"))


def test_storage_is_memory_by_default_and_counts_in_this_process_only(app, client):
    assert Config.RATELIMIT_STORAGE_URL == "memory://"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    app.config["RATELIMIT_PASSWORD_RESET"] = "1 per hour"
    client.post_form("/forgot", {"email": "a@example.org"})
    assert_refused(client.post_form("/forgot", {"email": "b@example.org"}))

    other = another_app(app)  # another process: its own count
    try:
        response = other.test_client().post("/forgot", data={"email": "c@example.org"})
        assert response.status_code == 302
    finally:
        dispose(other)


# --- Redis -----------------------------------------------------------------------------


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the Redis at 127.0.0.1:6379, its keys removed after.

    Without a Redis server the test fails when PORTAL_REQUIRE_ALL_BACKENDS is set (CI),
    else it is skipped."""
    server = redis_server(REDIS_URL)
    prefix = f"portal-test-{uuid.uuid4().hex}"
    yield server, prefix
    for key in server.scan_iter(match=f"*{prefix}*"):
        server.delete(key)
    server.close()


def another_app(app, **settings):
    """A second app on the same database, as another process or machine would run it."""
    settings = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "WTF_CSRF_ENABLED": False,
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "RATELIMIT_PASSWORD_RESET": "1 per hour",
        **settings,
    }
    other = create_app("testing", settings)
    other.test_client_class = PortalClient
    return other


def dispose(other):
    with other.app_context():
        _db.engine.dispose()


def test_unreachable_redis_falls_back_to_counting_in_memory(app):
    """Redis down: the limited forms still work and are still limited, never a 500."""
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = another_app(app, RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{port}/0")
    try:
        client = down.test_client()
        assert client.post("/forgot", data={"email": "a@example.org"}).status_code == 302
        assert_refused(client.post("/forgot", data={"email": "b@example.org"}))
    finally:
        dispose(down)


def test_redis_storage_shares_the_count_between_apps(app, redis_prefix, monkeypatch):
    server, prefix = redis_prefix
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URL", REDIS_URL)
    first = another_app(app, RATELIMIT_KEY_PREFIX=prefix)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    try:
        response = first.test_client().post("/forgot", data={"email": "a@example.org"})
        assert response.status_code == 302
        assert list(server.scan_iter(match=f"*{prefix}*"))  # the count lives in Redis

        second = another_app(app, RATELIMIT_KEY_PREFIX=prefix)  # a fresh app, fresh memory
        try:
            assert_refused(second.test_client().post("/forgot", data={"email": "b@example.org"}))
        finally:
            dispose(second)
    finally:
        dispose(first)
