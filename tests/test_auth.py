"""Sign in and throttling, sign out, password reset and change, email change, password
rehashing, security settings, CSRF and the resend-confirmation form."""

import re
from datetime import timedelta
from urllib.parse import quote

import argon2
import pytest
from freezegun import freeze_time

from portal import create_app
from portal.models import AuditEvent, LoginFailure, OutboxMessage, User, UserToken
from portal.models.types import utcnow
from tests.support import CSRF_RE, PASSWORD, count, path_of, still_signed_in

NEW_PASSWORD = "a different but equally long passphrase"
BAD_LOGIN = "The email address or password is not correct."
THROTTLED = "Too many failed sign-in attempts"
UNCONFIRMED = "Please confirm your email address first"
FORGOT_FLASH = "If an account uses that address, we have emailed a link to reset the password."
RESEND_FLASH = "If that address has an unconfirmed account, we have sent a new link."
BAD_RESET_LINK = "This reset link is invalid, already used or expired."
CSRF_MISSING = "The CSRF token is missing."


# --- a fresh app context for every request ---------------------------------------------


# --- helpers ---------------------------------------------------------------------------


def attempt(client, email: str, password: str, ip: str | None = None, url: str = "/login"):
    """One sign-in attempt through the login form, optionally from a given IP address."""
    kwargs = {"environ_base": {"REMOTE_ADDR": ip}} if ip else {}
    return client.post_form(url, {"email": email, "password": password}, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)


def followed(client, response) -> str:
    """The page a redirect leads to (flashed messages show there)."""
    assert response.status_code == 302, text(response)[:2000]
    return text(client.get(response.location))


def failures(db, *where) -> int:
    return count(db, LoginFailure, *where)


def hash_of(db, user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


def without_token(page: str) -> str:
    return CSRF_RE.sub("csrf", page)


def error_of(page: str, field_id: str) -> str:
    """The inline error text shown under a form field ("" if none)."""
    match = re.search(rf'<div id="{field_id}-error"[^>]*>([^<]*)</div>', page)
    return match.group(1) if match else ""


def add_failures(db, n: int, minutes_ago: float, email=None, ip=None) -> None:
    when = utcnow() - timedelta(minutes=minutes_ago)
    for i in range(n):
        db.session.add(
            LoginFailure(
                email=email or f"other{i}@example.org", ip=ip or f"10.9.0.{i}", created_at=when
            )
        )
    db.session.commit()


# --- 1. sign in ------------------------------------------------------------------------


def test_login_success_redirects_to_dashboard(client, db, make_user):
    user = make_user(name="Ana Lima")
    assert not still_signed_in(client)

    response = attempt(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.location == "/dashboard"
    assert "Welcome, Ana Lima." in followed(client, response)
    assert still_signed_in(client)
    db.session.expire_all()
    assert user.last_login_at is not None
    assert (
        count(db, AuditEvent, AuditEvent.action == "user.login", AuditEvent.user_id == user.id) == 1
    )


def test_wrong_password_and_unknown_email_look_the_same(app, db, make_user):
    make_user(email="known@example.org")
    wrong = attempt(app.test_client(), "known@example.org", "not the right password")
    unknown = attempt(app.test_client(), "unknown@example.org", "not the right password")

    assert wrong.status_code == unknown.status_code == 200
    assert BAD_LOGIN in text(wrong)
    assert BAD_LOGIN in text(unknown)
    # the pages differ only in the email address typed in (and the CSRF token)
    assert without_token(text(wrong)).replace("known@", "X@") == without_token(
        text(unknown)
    ).replace("unknown@", "X@")
    assert failures(db) == 2


def test_unknown_email_costs_the_same_argon2_work(app, make_user, argon2_calls):
    """No timing oracle: an unknown address does what a wrong password does, one argon2
    verification (hashing a dummy password on every attempt would double the time)."""
    make_user(email="known@example.org")
    calls = argon2_calls
    attempt(app.test_client(), "warm.up@example.org", "not the right password")

    work = {}
    for email in ("known@example.org", "unknown@example.org"):
        calls.clear()
        assert BAD_LOGIN in text(attempt(app.test_client(), email, "not the right password"))
        work[email] = calls[:]
    assert work["known@example.org"] == ["verify"]
    assert work["unknown@example.org"] == ["verify"]


@pytest.mark.parametrize("typed", ["PERSON.CASE@EXAMPLE.ORG", "Person.Case@Example.org"])
def test_login_email_is_case_insensitive(client, make_user, typed):
    make_user(email="person.case@example.org")
    response = attempt(client, typed, PASSWORD)
    assert response.status_code == 302
    assert response.location == "/dashboard"
    assert still_signed_in(client)


def test_unconfirmed_account_is_refused(client, db, make_user):
    user = make_user(confirmed=False)
    response = attempt(client, user.email, PASSWORD)
    page = text(response)
    assert response.status_code == 200
    assert UNCONFIRMED in page
    assert BAD_LOGIN not in page
    assert 'href="/confirm"' in page  # offers a new confirmation link
    assert not still_signed_in(client)
    # a refused sign-in is not recorded as one
    db.session.expire_all()
    assert user.last_login_at is None
    assert count(db, AuditEvent, AuditEvent.action == "user.login") == 0


def test_wrong_password_for_unconfirmed_account_gives_the_usual_message(client, make_user):
    user = make_user(confirmed=False)
    page = text(attempt(client, user.email, "not the right password"))
    assert BAD_LOGIN in page
    assert UNCONFIRMED not in page


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account", "/account"),
        ("/account?tab=email", "/account?tab=email"),
        ("https://evil.example/x", "/dashboard"),
        ("http:evil.example", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("///evil.example", "/dashboard"),
        (" //evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("/\t/evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("account", "/dashboard"),
    ],
)
def test_next_redirect_only_to_local_paths(client, make_user, next_url, expected):
    user = make_user()
    response = attempt(client, user.email, PASSWORD, url="/login?next=" + quote(next_url, safe=""))
    assert response.status_code == 302
    assert response.location == expected


def test_protected_page_sends_back_after_login(client, make_user):
    user = make_user()
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Faccount"
    response = attempt(client, user.email, PASSWORD, url=response.location)
    assert response.location == "/account"
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("page", ["/login", "/register"])
def test_signed_in_user_is_sent_to_dashboard(client, login, make_user, page):
    login(client, make_user())
    response = client.get(page)
    assert response.status_code == 302
    assert response.location == "/dashboard"


# --- 2. throttling ---------------------------------------------------------------------


def test_account_locked_after_five_failures(app, db, make_user):
    user = make_user()
    for i in range(5):  # from five different addresses: counted per account
        response = attempt(app.test_client(), user.email, f"wrong guess {i}", ip=f"10.1.0.{i}")
        assert response.status_code == 200
        assert BAD_LOGIN in text(response)
    assert failures(db, LoginFailure.email == user.email) == 5

    client = app.test_client()
    response = attempt(client, user.email, PASSWORD, ip="10.1.0.99")
    assert response.status_code == 429
    assert THROTTLED in text(response)
    assert "wait 15 minutes" in text(response)
    assert not still_signed_in(client)
    # the refused attempt neither clears nor adds failures
    assert failures(db, LoginFailure.email == user.email) == 5
    db.session.expire_all()
    assert user.last_login_at is None


def test_four_failures_do_not_lock_the_account(app, db, make_user):
    user = make_user()
    for i in range(4):
        attempt(app.test_client(), user.email, f"wrong guess {i}")
    client = app.test_client()
    assert attempt(client, user.email, PASSWORD).location == "/dashboard"
    assert still_signed_in(client)


def test_throttling_is_the_same_for_an_unknown_email(app, db, make_user):
    make_user(email="known@example.org")
    pages = {}
    for email in ("known@example.org", "unknown@example.org"):
        for i in range(5):
            assert attempt(app.test_client(), email, f"wrong {i}").status_code == 200
        response = attempt(app.test_client(), email, PASSWORD)
        assert response.status_code == 429
        pages[email] = without_token(text(response)).replace(email, "X")
    assert THROTTLED in pages["known@example.org"]
    assert pages["known@example.org"] == pages["unknown@example.org"]
    assert failures(db, LoginFailure.email == "unknown@example.org") == 5


def test_ip_throttled_after_twenty_failures(app, db, make_user):
    user = make_user()
    for n in range(19):  # many accounts, each below its own limit
        response = attempt(app.test_client(), f"nobody{n}@example.org", "wrong", ip="10.0.0.9")
        assert response.status_code == 200
    # 19 failures: this address may still sign in
    assert attempt(app.test_client(), user.email, PASSWORD, ip="10.0.0.9").status_code == 302

    assert (
        attempt(app.test_client(), "nobody19@example.org", "wrong", ip="10.0.0.9").status_code
        == 200
    )
    assert failures(db, LoginFailure.ip == "10.0.0.9") == 20

    blocked = app.test_client()
    response = attempt(blocked, user.email, PASSWORD, ip="10.0.0.9")
    assert response.status_code == 429
    assert THROTTLED in text(response)
    assert not still_signed_in(blocked)

    other = app.test_client()
    response = attempt(other, user.email, PASSWORD, ip="10.0.0.10")
    assert response.status_code == 302
    assert response.location == "/dashboard"
    assert still_signed_in(other)


def test_successful_login_clears_the_accounts_failures(app, db, make_user):
    user = make_user()
    for i in range(4):
        attempt(app.test_client(), user.email, f"wrong {i}")
    attempt(app.test_client(), "someone.else@example.org", "wrong")
    assert failures(db) == 5

    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 302
    assert failures(db, LoginFailure.email == user.email) == 0
    assert failures(db, LoginFailure.email == "someone.else@example.org") == 1

    # four more failures (eight in the window without the reset) still do not lock
    for i in range(4):
        attempt(app.test_client(), user.email, f"wrong again {i}")
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(("minutes_ago", "status"), [(14, 429), (16, 302)])
@pytest.mark.parametrize("kind", ["account", "ip"])
def test_failures_older_than_the_window_do_not_count(
    client, db, make_user, kind, minutes_ago, status
):
    user = make_user()
    if kind == "account":
        add_failures(db, 5, minutes_ago, email=user.email)
    else:
        add_failures(db, 20, minutes_ago, ip="10.0.0.9")
    response = attempt(client, user.email, PASSWORD, ip="10.0.0.9")
    assert response.status_code == status


def test_lock_lifts_after_fifteen_minutes(app, db, make_user):
    user = make_user()
    for i in range(5):
        attempt(app.test_client(), user.email, f"wrong {i}")
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 429
    with freeze_time(utcnow() + timedelta(minutes=16)):
        client = app.test_client()
        assert attempt(client, user.email, PASSWORD).location == "/dashboard"
        assert still_signed_in(client)


# --- 3. sign out -----------------------------------------------------------------------


def test_logout_is_post_only_with_csrf(client, db, login, make_user):
    user = make_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 400
    assert CSRF_MISSING in text(response)
    assert still_signed_in(client)
    db.session.expire_all()
    assert user.session_version == 1


def test_logout_ends_every_session(app, db, login, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    assert still_signed_in(laptop) and still_signed_in(phone)

    response = laptop.post_form("/logout")
    assert response.location == "/"
    assert "You are signed out." in followed(laptop, response)
    assert not still_signed_in(laptop)
    assert not still_signed_in(phone)
    db.session.expire_all()
    assert user.session_version == 2

    # signing in again works
    login(phone, user)
    assert still_signed_in(phone)


# --- 4. password reset -----------------------------------------------------------------


def request_reset(client, mailbox, email: str) -> str:
    response = client.post_form("/forgot", {"email": email})
    assert response.location == "/login"
    return path_of(mailbox.last_link(email, "/reset/"))


@pytest.mark.parametrize(
    ("kind", "sends"),
    [
        ("confirmed", True),
        ("unconfirmed", True),
        ("inactive", False),
        ("unknown", False),
    ],
)
def test_forgot_password_looks_the_same_for_every_address(
    client, db, mailbox, make_user, kind, sends
):
    email = "reset.me@example.org"
    if kind != "unknown":
        user = make_user(email=email, confirmed=kind != "unconfirmed")
        user.active = kind != "inactive"
        db.session.commit()
    response = client.post_form("/forgot", {"email": email})
    assert response.status_code == 302
    assert response.location == "/login"
    assert FORGOT_FLASH in followed(client, response)
    messages = mailbox.to(email)
    assert len(messages) == (1 if sends else 0)
    assert count(db, UserToken, UserToken.purpose == "reset_password") == (1 if sends else 0)
    if sends:
        assert messages[0]["Subject"] == "Reset your password"


def test_reset_link_sets_a_new_password(app, client, db, mailbox, make_user):
    user = make_user()
    old_hash = user.password_hash
    link = request_reset(client, mailbox, user.email)
    assert "Choose a new password" in text(client.get(link))

    response = client.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.location == "/login"
    assert "Your password is changed. Sign in with the new one." in followed(client, response)
    assert hash_of(db, user) != old_hash

    assert BAD_LOGIN in text(attempt(app.test_client(), user.email, PASSWORD))
    assert attempt(app.test_client(), user.email, NEW_PASSWORD).location == "/dashboard"


def test_reset_link_works_once(app, client, db, mailbox, make_user):
    user = make_user()
    link = request_reset(client, mailbox, user.email)
    client.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    reset_hash = hash_of(db, user)

    response = client.get(link)
    assert response.status_code == 302
    assert response.location == "/forgot"
    assert BAD_RESET_LINK in followed(client, response)

    again = "yet another long passphrase"
    response = client.post_form(link, {"password": again, "confirm": again})
    assert response.location == "/forgot"
    assert hash_of(db, user) == reset_hash


def test_setting_a_password_kills_older_reset_links(client, db, mailbox, make_user):
    user = make_user()
    first = request_reset(client, mailbox, user.email)
    second = request_reset(client, mailbox, user.email)
    assert first != second
    client.post_form(second, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.get(first)
    assert response.location == "/forgot"


@pytest.mark.parametrize(("minutes", "works"), [(59, True), (61, False)])
def test_reset_link_expires_after_one_hour(app, db, mailbox, make_user, minutes, works):
    user = make_user()
    link = request_reset(app.test_client(), mailbox, user.email)
    old_hash = user.password_hash
    with freeze_time(utcnow() + timedelta(minutes=minutes)):
        client = app.test_client()
        response = client.get(link)
        if works:
            assert response.status_code == 200
        else:
            assert response.location == "/forgot"
            assert BAD_RESET_LINK in followed(client, response)
        response = client.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.location == ("/login" if works else "/forgot")
    assert (hash_of(db, user) != old_hash) is works


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("too short", "too short", "password", "Use between 12 and 128 characters."),
        ("x" * 129, "x" * 129, "password", "Use between 12 and 128 characters."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "confirm", "The two passwords do not match."),
        (NEW_PASSWORD, "", "confirm", "Repeat the password."),
    ],
)
def test_reset_with_a_bad_password_changes_nothing(
    client, db, mailbox, make_user, password, confirm, field, message
):
    user = make_user()
    old_hash = user.password_hash
    link = request_reset(client, mailbox, user.email)
    response = client.post_form(link, {"password": password, "confirm": confirm})
    assert response.status_code == 200
    assert message in error_of(text(response), field)
    assert hash_of(db, user) == old_hash
    # the link was not used up
    assert client.get(link).status_code == 200


def test_reset_ends_other_sessions(app, db, mailbox, login, make_user):
    user = make_user()
    phone = app.test_client()
    login(phone, user)
    client = app.test_client()
    link = request_reset(client, mailbox, user.email)
    client.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not still_signed_in(phone)
    assert not still_signed_in(client)


# --- 5. change password -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        (
            "not my password at all",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "current_password",
            "Your current password is not correct.",
        ),
        ("", NEW_PASSWORD, NEW_PASSWORD, "current_password", "Enter your current password."),
        (PASSWORD, "too short", "too short", "password", "Use between 12 and 128 characters."),
        (PASSWORD, NEW_PASSWORD, "something else", "confirm", "The two passwords do not match."),
    ],
)
def test_change_password_refused(
    client, db, login, make_user, current, new, confirm, field, message
):
    user = make_user()
    login(client, user)
    old_hash = user.password_hash
    response = client.post_form(
        "/account/password", {"current_password": current, "password": new, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in error_of(text(response), field)
    assert hash_of(db, user) == old_hash
    assert db.session.get(User, user.id).session_version == 1
    assert still_signed_in(client)


def test_change_password_signs_out_other_devices_only(app, db, login, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    old_hash = user.password_hash

    response = laptop.post_form(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.location == "/account"
    assert "Other devices have been signed out." in followed(laptop, response)
    assert hash_of(db, user) != old_hash

    assert still_signed_in(laptop)
    assert not still_signed_in(phone)
    assert BAD_LOGIN in text(attempt(phone, user.email, PASSWORD))
    assert attempt(phone, user.email, NEW_PASSWORD).location == "/dashboard"
    assert still_signed_in(phone)


# --- 6. change email ---------------------------------------------------------------------


def test_change_email(app, client, db, mailbox, login, make_user):
    user = make_user(email="old.address@example.org", name="Lee Chan")
    login(client, user)
    response = client.post_form(
        "/account/email", {"new_email": "New.Address@Example.org", "email_password": PASSWORD}
    )
    assert response.location == "/account"
    assert "We sent a confirmation link to New.Address@Example.org" in followed(client, response)
    db.session.expire_all()
    assert user.email == "old.address@example.org"  # not before the link is opened

    notice = mailbox.to("old.address@example.org")
    assert [m["Subject"] for m in notice] == ["Your email address is being changed"]
    assert "new.address@example.org" in notice[0].get_body(("plain",)).get_content()
    assert "/account/email/confirm/" not in notice[0].get_body(("plain",)).get_content()
    link = path_of(mailbox.last_link("new.address@example.org", "/account/email/confirm/"))

    response = client.get(link)
    assert response.location == "/account"
    assert "Your email address is changed." in followed(client, response)
    db.session.expire_all()
    assert user.email == "new.address@example.org"
    assert user.email_confirmed_at is not None

    assert BAD_LOGIN in text(attempt(app.test_client(), "old.address@example.org", PASSWORD))
    assert attempt(app.test_client(), "new.address@example.org", PASSWORD).status_code == 302

    # the link works once
    anonymous = app.test_client()
    response = anonymous.get(link)
    assert response.location == "/login"
    assert "This link is invalid, used or expired." in followed(anonymous, response)
    db.session.expire_all()
    assert user.email == "new.address@example.org"


@pytest.mark.parametrize(
    ("new_email", "password", "field", "message"),
    [
        ("fresh@example.org", "", "email_password", "Enter your current password."),
        (
            "fresh@example.org",
            "not my password at all",
            "email_password",
            "Your current password is not correct.",
        ),
        ("taken@example.org", PASSWORD, "new_email", "Another account already uses this email"),
        ("Taken@Example.ORG", PASSWORD, "new_email", "Another account already uses this email"),
        ("Mine@example.org", PASSWORD, "new_email", "That is already your email address."),
        # without the right password, nobody learns whether an address is taken
        (
            "taken@example.org",
            "not my password at all",
            "email_password",
            "Your current password is not correct.",
        ),
        ("not-an-email", PASSWORD, "new_email", "Enter a valid email address"),
    ],
)
def test_change_email_refused(
    client, db, mailbox, login, make_user, new_email, password, field, message
):
    make_user(email="taken@example.org")
    user = make_user(email="mine@example.org")
    login(client, user)
    response = client.post_form(
        "/account/email", {"new_email": new_email, "email_password": password}
    )
    assert response.status_code == 400
    assert message in error_of(text(response), field)
    db.session.expire_all()
    assert user.email == "mine@example.org"
    assert count(db, UserToken, UserToken.purpose == "change_email") == 0
    assert count(db, OutboxMessage) == 0
    assert mailbox.deliver() == []


def test_change_email_refused_if_address_taken_before_the_link_is_opened(
    client, db, mailbox, login, make_user
):
    user = make_user(email="mine@example.org")
    login(client, user)
    client.post_form(
        "/account/email", {"new_email": "wanted@example.org", "email_password": PASSWORD}
    )
    link = path_of(mailbox.last_link("wanted@example.org", "/account/email/confirm/"))
    make_user(email="wanted@example.org")

    response = client.get(link)
    assert "Another account now uses that email address." in followed(client, response)
    db.session.expire_all()
    assert user.email == "mine@example.org"


# --- 7. rehash on login ------------------------------------------------------------------


def test_login_rehashes_with_current_parameters(client, db, make_user):
    user = make_user()
    old_hash = argon2.PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    user.password_hash = old_hash
    db.session.commit()
    assert "m=2048,t=2,p=1" in old_hash

    assert attempt(client, user.email, PASSWORD).location == "/dashboard"
    new_hash = hash_of(db, user)
    assert new_hash != old_hash
    assert new_hash.startswith("$argon2id$")
    assert "m=1024,t=1,p=1" in new_hash
    assert argon2.PasswordHasher().verify(new_hash, PASSWORD)


def test_login_keeps_a_current_hash(client, db, make_user):
    user = make_user()
    old_hash = user.password_hash
    assert attempt(client, user.email, PASSWORD).location == "/dashboard"
    assert hash_of(db, user) == old_hash


# --- 8. security settings -----------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user()
    response = attempt(client, user.email, PASSWORD)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY"):
        create_app("production", {"DATABASE_URL": "sqlite://"})


def test_production_with_a_secret_key_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "x" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.testing


# --- 9. CSRF ---------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "not-a-real-token"], ids=["missing", "bogus"])
def test_login_without_csrf_token_is_refused(client, db, make_user, token):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "The request could not be processed" in text(response)
    assert not still_signed_in(client)
    db.session.expire_all()
    assert user.last_login_at is None
    assert count(db, AuditEvent, AuditEvent.action == "user.login") == 0
    assert failures(db) == 0


@pytest.mark.parametrize("token", [None, "not-a-real-token"], ids=["missing", "bogus"])
def test_register_without_csrf_token_is_refused(client, db, mailbox, token):
    data = {
        "full_name": "Omar Khan",
        "email": "omar@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    if token:
        data["csrf_token"] = token
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert "The request could not be processed" in text(response)
    assert count(db, User) == 0
    assert mailbox.deliver() == []


# --- 10. resend confirmation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sends"),
    [
        ("unconfirmed", True),
        ("confirmed", False),
        ("unknown", False),
    ],
)
def test_resend_confirmation_never_reveals_accounts(client, db, mailbox, make_user, kind, sends):
    email = "waiting@example.org"
    if kind != "unknown":
        user = make_user(email=email, confirmed=kind == "confirmed")
    response = client.post_form("/confirm", {"email": email})
    assert response.status_code == 302
    assert response.location == "/login"
    assert RESEND_FLASH in followed(client, response)
    messages = mailbox.to(email)
    assert len(messages) == (1 if sends else 0)
    if sends:
        link = path_of(mailbox.last_link(email, "/confirm/"))
        assert client.get(link).location == "/login"
        db.session.expire_all()
        assert user.email_confirmed
