"""How long a sign-in lasts (issue 12 §3, portal/auth/sessions.py), through HTTP with
freezegun moving the clock: each role's idle and absolute limit, "keep me signed in", the
message on the next page, the way back after signing in again, and Flask-Login's remember
cookie, which must not bring an ended session back."""

from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask_login.utils import encode_cookie
from freezegun import freeze_time
from sqlalchemy import select

from portal.models import User
from portal.models.types import utcnow
from tests.support import PASSWORD, still_signed_in, text, two_step_code

STAFF = ["agency", "champion", "admin"]
STAFF_IDLE = "You were signed out after 30 minutes without activity."
SEEKER_IDLE = "You were signed out after 2 hours without activity."
STAFF_MAX = "You were signed out because a session lasts at most 12 hours."
REMEMBER_MAX = "You were signed out because a session lasts at most 14 days."


def sign_in(client, user, remember: bool = False, next_url: str | None = None):
    url = "/login" + (f"?next={quote(next_url, safe='')}" if next_url else "")
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post_form(url, data)
    assert response.status_code == 302, text(response)[:2000]
    return response


def login_back_to(location: str) -> str | None:
    """The page a sign-in page address will return to (its ``next``), checking it is one."""
    parts = urlsplit(location)
    assert parts.path == "/login", location
    return parse_qs(parts.query).get("next", [None])[0]


def ended(client, url: str = "/account") -> tuple[str, str]:
    """Ask for ``url`` with an ended session: where it sends us and what that page says."""
    response = client.get(url)
    assert response.status_code == 302, text(response)[:500]
    return response.location, text(client.get(response.location))


# --- idle ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_signed_out_after_30_minutes_idle(client, make_user, role):
    user = make_user(role=role)
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        for _ in range(4):  # activity every 29 minutes keeps the session going
            clock.tick(timedelta(minutes=29))
            assert still_signed_in(client)
        clock.tick(timedelta(minutes=30, seconds=1))
        location, page = ended(client)
        assert login_back_to(location) == "/account"
        assert STAFF_IDLE in page
        assert still_signed_in(client) is False  # and it stays ended


def test_seeker_signed_out_after_2_hours_idle(client, make_user):
    user = make_user()
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        clock.tick(timedelta(minutes=119))
        assert still_signed_in(client)
        clock.tick(timedelta(minutes=120, seconds=1))
        location, page = ended(client)
        assert login_back_to(location) == "/account"
        assert SEEKER_IDLE in page
        assert STAFF_IDLE not in page


@pytest.mark.parametrize("role", STAFF)
def test_keep_me_signed_in_does_not_lengthen_staff_sessions(client, make_user, role):
    user = make_user(role=role)
    with freeze_time(utcnow()) as clock:
        response = sign_in(client, user, remember=True)
        session_cookie = [
            c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
        ][0]
        assert "expires=" not in session_cookie.lower()  # gone when the browser closes
        clock.tick(timedelta(minutes=31))
        assert STAFF_IDLE in ended(client)[1]


# --- at most ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_session_lasts_at_most_12_hours(client, make_user, role):
    user = make_user(role=role)
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        for _ in range(35):  # busy all day: a request every 20 minutes, 11 h 40 min
            clock.tick(timedelta(minutes=20))
            assert still_signed_in(client)
        clock.tick(timedelta(minutes=19))
        assert still_signed_in(client)  # 11 h 59 min
        clock.tick(timedelta(minutes=2))
        location, page = ended(client)
        assert login_back_to(location) == "/account"
        assert STAFF_MAX in page


def test_seeker_session_is_not_cut_at_12_hours(client, make_user):
    user = make_user()
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        for _ in range(10):  # a request every 100 minutes: 16 h 40 min
            clock.tick(timedelta(minutes=100))
            assert still_signed_in(client)


# --- keep me signed in -------------------------------------------------------------------


def test_keep_me_signed_in_keeps_a_seeker_for_14_days_idle(client, make_user):
    user = make_user()
    with freeze_time(utcnow()) as clock:
        response = sign_in(client, user, remember=True)
        cookies = response.headers.getlist("Set-Cookie")
        session_cookie = [c for c in cookies if c.startswith("session=")][0]
        assert "expires=" in session_cookie.lower()  # kept after the browser closes
        assert not [c for c in cookies if c.startswith("remember_token=")]  # no Flask-Login one
        clock.tick(timedelta(days=13, hours=23))
        assert still_signed_in(client)
        clock.tick(timedelta(days=14, seconds=1))
        assert still_signed_in(client) is False  # the cookie's own lifetime is over too


def test_keep_me_signed_in_lasts_at_most_14_days(client, make_user):
    user = make_user()
    with freeze_time(utcnow()) as clock:
        sign_in(client, user, remember=True)
        for _ in range(13):  # back every day
            clock.tick(timedelta(days=1))
            assert still_signed_in(client)
        clock.tick(timedelta(days=1, minutes=-1))
        assert still_signed_in(client)  # 13 days 23 h 59 min
        clock.tick(timedelta(minutes=2))
        location, page = ended(client)
        assert login_back_to(location) == "/account"
        assert REMEMBER_MAX in page


def test_without_keep_me_signed_in_the_cookie_ends_with_the_browser(client, make_user):
    response = sign_in(client, make_user())
    session_cookie = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    ][0]
    assert "expires=" not in session_cookie.lower()


def test_keep_me_signed_in_survives_the_two_step_code(app, client, db, make_user):
    """The choice travels through the second step of signing in (portal/twofactor)."""
    user = make_user(two_step=True)
    with freeze_time(utcnow()) as clock:
        response = sign_in(client, user, remember=True, next_url="/account")
        assert response.location == "/login/verify"
        response = client.post_form("/login/verify", {"code": two_step_code(app, user.email)})
        assert response.status_code == 302 and response.location == "/account"
        clock.tick(timedelta(days=3))
        assert still_signed_in(client)


def test_changing_the_password_keeps_keep_me_signed_in(client, make_user):
    user = make_user()
    new = "a different but equally long passphrase"
    with freeze_time(utcnow()) as clock:
        sign_in(client, user, remember=True)
        response = client.post_form(
            "/account/password", {"current_password": PASSWORD, "password": new, "confirm": new}
        )
        assert response.status_code == 302 and response.location == "/account"
        clock.tick(timedelta(days=3))
        assert still_signed_in(client)


# --- the message and the way back --------------------------------------------------------


def test_signing_in_again_returns_to_the_page_asked_for(client, make_user, make_agency):
    agency = make_agency()
    with freeze_time(utcnow()) as clock:
        sign_in(client, agency.owner)
        clock.tick(timedelta(minutes=45))
        location, page = ended(client, "/agency/jobs?status=draft")
        assert login_back_to(location) == "/agency/jobs?status=draft"
        assert STAFF_IDLE in page
        assert "Sign in to continue where you were." in page
        response = client.post_form(location, {"email": agency.owner.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.location == "/agency/jobs?status=draft"
        assert client.get(response.location).status_code == 200


def test_a_form_sent_after_the_session_ended_does_nothing_and_returns_to_its_page(
    app, client, db, make_user
):
    user = make_user()
    old_hash = user.password_hash
    new = "a different but equally long passphrase"
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        token = client.csrf_token()
        clock.tick(timedelta(hours=3))
        response = client.post(
            "/account/password",
            data={
                "csrf_token": token,
                "current_password": PASSWORD,
                "password": new,
                "confirm": new,
            },
            headers={"Referer": "http://localhost/account"},
        )
        assert response.status_code == 302
        assert login_back_to(response.location) == "/account"
        assert SEEKER_IDLE in text(client.get(response.location))
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


@pytest.mark.parametrize(
    "referer", ["https://evil.example/account", "//evil.example/x", "javascript:alert(1)"]
)
def test_the_way_back_after_a_form_is_never_another_site(client, make_user, referer):
    user = make_user()
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        token = client.csrf_token()
        clock.tick(timedelta(hours=3))
        response = client.post(
            "/account/password", data={"csrf_token": token}, headers={"Referer": referer}
        )
        assert response.status_code == 302 and response.location == "/login"


def test_the_sign_in_page_itself_says_why(client, make_user):
    user = make_user(role="agency")
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        clock.tick(timedelta(minutes=31))
        response = client.get("/login")
        assert response.status_code == 200  # no redirect to itself
        assert STAFF_IDLE in text(response)
        assert "Keep me signed in" in text(response)


def test_a_public_page_after_the_session_ended_asks_to_sign_in_again(client, make_user):
    user = make_user()
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        clock.tick(timedelta(hours=2, minutes=1))
        location, page = ended(client, "/jobs?q=support")
        assert login_back_to(location) == "/jobs?q=support"
        assert SEEKER_IDLE in page


# --- Flask-Login's remember cookie --------------------------------------------------------


def test_a_remember_cookie_does_not_bring_a_session_back(app, client, db, make_user):
    """A Flask-Login "remember_token" cookie (the portal never sets one) signs nobody in:
    a session without the portal's own timestamps is ended, and the cookie deleted."""
    user = make_user()
    client.set_cookie("remember_token", encode_cookie(user.get_id()), domain="localhost")
    response = client.get("/account")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))

    # nor after an idle timeout: signing out for inactivity leaves nothing to come back with
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        clock.tick(timedelta(hours=3))
        client.set_cookie("remember_token", encode_cookie(user.get_id()), domain="localhost")
        assert SEEKER_IDLE in ended(client)[1]
        assert still_signed_in(client) is False


def test_signing_out_for_inactivity_is_recorded_nowhere_else(client, db, make_user):
    """The session ends in the cookie only: the account itself is untouched (other
    devices keep their own sessions)."""
    user = make_user()
    version = user.session_version
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        clock.tick(timedelta(hours=3))
        ended(client)
    db.session.expire_all()
    assert db.session.scalar(select(User.session_version).where(User.id == user.id)) == version


def test_static_files_are_not_activity(client, make_user):
    """A stylesheet fetched by an open tab neither keeps a session going nor sets the
    session cookie again."""
    user = make_user(role="agency")
    with freeze_time(utcnow()) as clock:
        sign_in(client, user)
        for url in ("/static/css/portal.css", "/bootstrap/static/css/bootstrap.min.css"):
            clock.tick(timedelta(minutes=20))
            response = client.get(url)
            assert response.status_code == 200
            assert not response.headers.getlist("Set-Cookie")
            response.close()
        assert STAFF_IDLE in ended(client)[1]  # 40 minutes since the last page


def test_signing_in_again_with_two_step_returns_to_the_page_asked_for(app, client, make_user):
    """The way back survives the second step of signing in (portal/twofactor)."""
    admin = make_user(role="admin", two_step=True)
    with freeze_time(utcnow()) as clock:
        sign_in(client, admin)
        client.post_form("/login/verify", {"code": two_step_code(app, admin.email)})
        assert still_signed_in(client)
        clock.tick(timedelta(minutes=31))
        location, page = ended(client, "/admin/users?role=seeker")
        assert login_back_to(location) == "/admin/users?role=seeker" and STAFF_IDLE in page
        clock.tick(timedelta(seconds=31))  # the next time step: a code not used yet
        response = client.post_form(location, {"email": admin.email, "password": PASSWORD})
        assert response.location == "/login/verify"
        response = client.post_form("/login/verify", {"code": two_step_code(app, admin.email)})
        assert response.status_code == 302 and response.location == "/admin/users?role=seeker"
        assert client.get(response.location).status_code == 200
