"""Two-step sign-in: setting it up (QR code, key, confirming code, recovery codes), the
second step of signing in (codes from the app, no reuse, recovery codes, throttling, expiry,
``next``), turning it off, new recovery codes, and the rule that HR champions and admins
set it up before extracts and user management. Codes come from pyotp, as from an app;
freezegun moves the clock. Who may use each route is in ``tests/test_access.py``."""

import re
from datetime import date, timedelta

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.models import AuditEvent, RecoveryCode, ReportingPeriod, TwoStepFailure, User
from portal.models.types import utcnow
from tests.support import PASSWORD, field_error, set_up_two_step, text

CODE_MESSAGE = "That code is not right."
REUSED_MESSAGE = "That code has already been used."


def code_at(secret: str, when) -> str:
    return pyotp.TOTP(secret).at(when)


def events(db, action: str, user) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.user_id == user.id)
        )
    )


def sign_in_password(client, user, next_url: str | None = None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post_form(url, {"email": user.email, "password": PASSWORD})


def send_code(client, code: str):
    return client.post_form("/login/verify", {"code": code})


def sign_out(client):
    client.post_form("/logout", {})


@pytest.fixture
def seeker(client, login, make_user):
    user = make_user(role="seeker", name="Sam Seeker")
    login(client, user)
    return user


@pytest.fixture
def enabled(app, client, seeker):
    """The seeker, with two-step sign-in set up through its pages, signed out again."""
    secret, codes = set_up_two_step(client)
    sign_out(client)
    return seeker, secret, codes


# --- setting it up ---------------------------------------------------------------------


def test_account_page_offers_two_step_sign_in(client, seeker):
    page = text(client.get("/account"))
    assert re.search(r"Two-step sign-in</dt>\s*<dd[^>]*>Off", page)
    assert 'href="/account/two-step"' in page
    page = text(client.get("/account/two-step"))
    assert "Two-step sign-in is <strong>off</strong>" in page
    assert 'href="/account/two-step/setup"' in page


def test_setup_shows_qr_code_and_key_in_groups_of_four(client, db, seeker):
    response = client.get("/account/two-step/setup")
    assert response.status_code == 200
    page = text(response)
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml[^"]+" alt="QR code', page)
    assert " style=" not in page  # the CSP allows no inline styles
    shown = re.search(r'id="secret">([A-Z2-7 ]+)</code>', page).group(1)
    db.session.expire_all()
    secret = db.session.get(User, seeker.id).totp_secret
    assert shown.split(" ") == [secret[i : i + 4] for i in range(0, len(secret), 4)]
    assert len(secret) == 32
    assert 'inputmode="numeric"' in code_input(page)  # a number pad on phones
    # reloading shows the same key (the app may already hold it); nothing is on yet
    assert shown in text(client.get("/account/two-step/setup"))
    assert not db.session.get(User, seeker.id).two_step_enabled


def test_wrong_code_is_refused_and_right_code_turns_it_on_with_ten_codes(client, db, seeker):
    page = text(client.get("/account/two-step/setup"))
    secret = re.search(r'id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    now = utcnow()
    wrong = f"{(int(code_at(secret, now)) + 1) % 1000000:06d}"
    response = client.post_form("/account/two-step/setup", {"code": wrong})
    assert response.status_code == 400
    assert CODE_MESSAGE in field_error(text(response), "code")
    db.session.expire_all()
    assert not db.session.get(User, seeker.id).two_step_enabled

    response = client.post_form("/account/two-step/setup", {"code": code_at(secret, now)})
    assert response.status_code == 200
    page = text(response)
    assert "Two-step sign-in is on." in page and "They are shown only now" in page
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(set(codes)) == 10
    db.session.expire_all()
    user = db.session.get(User, seeker.id)
    assert user.two_step_enabled
    stored = set(
        db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    )
    assert len(stored) == 10 and not stored & set(codes)  # hashes only
    assert len(events(db, "two_step.enabled", user)) == 1
    assert "You have 10 unused recovery codes" in text(client.get("/account/two-step"))
    # the codes and the key are not shown again
    response = client.get("/account/two-step/setup")
    assert response.status_code == 302 and response.location == "/account/two-step"
    assert codes[0] not in text(client.get("/account/two-step"))


# --- signing in ------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_a_right_code_signs_in(client, db, enabled):
    user, secret, _ = enabled
    logins = len(events(db, "user.login", user))
    response = sign_in_password(client, user, next_url="/account")
    assert response.status_code == 302 and response.location == "/login/verify"
    page = text(client.get("/login/verify"))
    assert "Enter the code from your app" in page

    # half signed in is not signed in
    for url in ("/dashboard", "/account", "/account/two-step"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login"), url

    with freeze_time(utcnow() + timedelta(seconds=60)):  # past the codes just used
        wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
        response = send_code(client, wrong)
        assert response.status_code == 400
        assert CODE_MESSAGE in field_error(text(response), "code")
        assert client.get("/account").status_code == 302
        assert len(events(db, "user.login", user)) == logins  # the password alone is not

        response = send_code(client, pyotp.TOTP(secret).now())
        assert response.status_code == 302 and response.location == "/account"  # next kept
        assert client.get("/account").status_code == 200
        assert len(events(db, "user.login", user)) == logins + 1
        # the code page is done with
        assert client.get("/login/verify").location == "/dashboard"


def test_a_code_is_not_accepted_twice(client, db, enabled):
    user, secret, _ = enabled
    with freeze_time(utcnow() + timedelta(seconds=90)) as clock:
        code = pyotp.TOTP(secret).now()
        sign_in_password(client, user)
        assert send_code(client, code).status_code == 302
        sign_out(client)

        sign_in_password(client, user)
        response = send_code(client, code)
        assert response.status_code == 400
        assert REUSED_MESSAGE in field_error(text(response), "code")
        clock.tick(timedelta(seconds=30))  # the app shows the next code
        assert send_code(client, pyotp.TOTP(secret).now()).status_code == 302
        assert client.get("/account").status_code == 200


def test_recovery_code_works_once_and_the_count_drops(client, db, enabled):
    user, _, codes = enabled
    sign_in_password(client, user, next_url="/account")
    response = send_code(client, codes[3].upper().replace("-", " "))  # as typed by hand
    assert response.status_code == 302 and response.location == "/account"
    page = text(client.get("/account"))
    assert "You signed in with a recovery code; it cannot be used again." in page
    assert "You have 9 recovery codes left." in page
    assert len(events(db, "two_step.recovery_code_used", user)) == 1
    sign_out(client)

    sign_in_password(client, user)
    response = send_code(client, codes[3])
    assert response.status_code == 400 and CODE_MESSAGE in text(response)
    response = send_code(client, codes[4])
    assert response.status_code == 302
    assert "You have 8 recovery codes left." in text(client.get("/dashboard"))


def test_one_code_sent_twice_at_once_signs_in_once(app, client, monkeypatch, enabled):
    """Two sign-ins waiting for a code, both sent the same code: the second request reads
    the account, then the first uses the code and commits, then the second goes on."""
    from portal.twofactor import services

    user, secret, _ = enabled
    other = app.test_client()
    with freeze_time(utcnow() + timedelta(seconds=90)):
        code = pyotp.TOTP(secret).now()
        sign_in_password(client, user)
        sign_in_password(other, user)
        answers: list[int] = []
        original = services.check_throttle

        def meanwhile(account):
            monkeypatch.setattr(services, "check_throttle", original)  # once
            # the other request, between this one's read and its write
            answers.append(send_code(other, code).status_code)
            return original(account)

        monkeypatch.setattr(services, "check_throttle", meanwhile)
        response = send_code(client, code)
        assert answers == [302]
        assert response.status_code == 400
        assert client.get("/account").status_code == 302
        assert other.get("/account").status_code == 200


def code_input(html: str) -> str:
    return re.search(r'<input[^>]*id="code"[^>]*>', html).group(0)


def test_the_code_field_has_a_number_pad_and_a_link_to_the_full_keyboard(client, enabled):
    user, _, codes = enabled
    sign_in_password(client, user)
    html = client.get("/login/verify").get_data(as_text=True)
    assert 'inputmode="numeric"' in code_input(html)
    assert 'autocomplete="one-time-code"' in code_input(html)
    assert 'href="/login/verify?with=recovery-code"' in html
    html = client.get("/login/verify?with=recovery-code").get_data(as_text=True)
    assert "inputmode" not in code_input(html)  # a recovery code has letters
    assert 'autocomplete="one-time-code"' in code_input(html)
    response = client.post_form("/login/verify?with=recovery-code", {"code": codes[0]})
    assert response.status_code == 302


def test_wrong_codes_are_throttled_and_a_new_password_does_not_reset_it(app, client, db, enabled):
    user, secret, _ = enabled
    limit = app.config["TWO_STEP_MAX_FAILURES"]
    with freeze_time(utcnow() + timedelta(seconds=60)) as clock:
        sign_in_password(client, user)
        for _ in range(limit - 1):
            assert send_code(client, "000000").status_code in (400,)
        sign_in_password(client, user)  # a correct password again does not reset the count
        assert send_code(client, "000000").status_code == 400
        response = send_code(client, pyotp.TOTP(secret).now())
        assert response.status_code == 429 and "Too many wrong codes" in text(response)
        assert client.get("/account").status_code == 302

        clock.tick(app.config["LOGIN_THROTTLE_WINDOW"] + timedelta(seconds=30))
        sign_in_password(client, user)
        assert send_code(client, pyotp.TOTP(secret).now()).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(TwoStepFailure.id)) is None  # cleared on success


def test_the_code_page_waits_five_minutes(app, client, enabled):
    user, secret, _ = enabled
    sign_in_password(client, user, next_url="/account")
    with freeze_time(utcnow() + app.config["TWO_STEP_PENDING_TTL"] + timedelta(seconds=5)):
        response = send_code(client, pyotp.TOTP(secret).now())
        assert response.status_code == 302 and response.location == "/login?next=/account"
        assert "Your sign-in has expired" in text(client.get(response.location))
        assert client.get("/account").status_code == 302


@pytest.mark.parametrize("remember", [True, False])
def test_keep_me_signed_in_is_kept_through_the_second_step(client, enabled, remember):
    user, secret, _ = enabled
    form = {"email": user.email, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post_form("/login", form).location == "/login/verify"
    with freeze_time(utcnow() + timedelta(seconds=60)):
        response = send_code(client, pyotp.TOTP(secret).now())
    assert response.status_code == 302
    session_cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert session_cookie and ("Expires=" in session_cookie[0]) == remember


def test_a_password_change_elsewhere_ends_the_waiting_sign_in(client, db, enabled):
    user, secret, _ = enabled
    sign_in_password(client, user)
    db.session.expire_all()
    db.session.get(User, user.id).session_version += 1  # "signed out everywhere"
    db.session.commit()
    with freeze_time(utcnow() + timedelta(seconds=60)):
        response = send_code(client, pyotp.TOTP(secret).now())
    assert response.status_code == 302 and response.location == "/login"


# --- managing it -----------------------------------------------------------------------


def test_turning_it_off_needs_the_password_and_a_code(client, db, login, enabled):
    user, secret, codes = enabled
    login(client, user)
    with freeze_time(utcnow() + timedelta(seconds=60)):
        code = pyotp.TOTP(secret).now()
        response = client.post_form(
            "/account/two-step/disable", {"password": "not the password", "code": code}
        )
        assert response.status_code == 400
        assert "not correct" in field_error(text(response), "password")
        response = client.post_form(
            "/account/two-step/disable", {"password": PASSWORD, "code": "123 456"}
        )
        assert response.status_code == 400 and field_error(text(response), "code")
        db.session.expire_all()
        assert db.session.get(User, user.id).two_step_enabled

        response = client.post_form(
            "/account/two-step/disable", {"password": PASSWORD, "code": code}
        )
        assert response.status_code == 302
        assert "Two-step sign-in is off" in text(client.get(response.location))
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert not user.two_step_enabled and user.totp_secret is None
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert len(events(db, "two_step.disabled", user)) == 1
    sign_out(client)
    response = sign_in_password(client, user)
    assert response.location == "/dashboard"  # no code asked any more


def test_new_recovery_codes_need_a_code_or_the_password(client, db, login, enabled):
    user, secret, old_codes = enabled
    login(client, user)
    response = client.post_form("/account/two-step/recovery-codes", {"proof": "guess"})
    assert response.status_code == 400
    assert "neither a current code" in field_error(text(response), "proof")

    response = client.post_form("/account/two-step/recovery-codes", {"proof": PASSWORD})
    assert response.status_code == 200
    page = text(response)
    new_codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "Your earlier recovery codes no longer work." in page
    sign_out(client)

    sign_in_password(client, user)
    assert send_code(client, old_codes[0]).status_code == 400
    assert send_code(client, new_codes[0]).status_code == 302

    with freeze_time(utcnow() + timedelta(seconds=60)):
        response = client.post_form(
            "/account/two-step/recovery-codes", {"proof": pyotp.TOTP(secret).now()}
        )
        assert response.status_code == 200 and "Your recovery codes" in text(response)


# --- required of HR champions and admins -----------------------------------------------


@pytest.mark.parametrize(
    ("role", "url", "heading"),
    [
        ("champion", "/lmi/extract?format=csv", None),
        ("admin", "/lmi/extract?format=csv", None),
        ("admin", "/admin/users", "Users"),
        ("admin", "/admin/", "Administration"),
    ],
)
def test_champions_and_admins_set_it_up_before_extracts_and_user_management(
    client, db, login, make_user, role, url, heading
):
    db.session.add(ReportingPeriod(fiscal_year=2025, due_on=date(2026, 6, 30)))
    db.session.commit()
    user = make_user(role=role)
    login(client, user)
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/account/two-step/setup?next=")
    page = text(client.get(response.location))
    assert (
        "two-step sign-in is required before you download labour-market extracts or "
        "manage users" in page
    )

    set_up_two_step(client, url)
    response = client.get(url)
    assert response.status_code == 200
    if heading:
        assert heading in text(response)
    else:
        assert response.headers["Content-Disposition"].startswith("attachment")


def test_turning_it_on_ends_the_other_sessions(app, client, db, login, make_user):
    """A session opened with the password alone is not a two-step session: once the account
    turns two-step sign-in on elsewhere, it ends instead of reaching extracts."""
    db.session.add(ReportingPeriod(fiscal_year=2025, due_on=date(2026, 6, 30)))
    db.session.commit()
    champion = make_user(role="champion")
    earlier = app.test_client()
    login(earlier, champion)
    login(client, champion)
    set_up_two_step(client)
    response = earlier.get("/lmi/extract?format=csv")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert earlier.get("/account").status_code == 302
    # the session that set it up goes on
    response = client.get("/lmi/extract?format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_after_setup_the_codes_page_leads_back_to_the_page_asked_for(client, login, make_user):
    login(client, make_user(role="admin"))
    setup = client.get("/admin/users?q=carla").location
    page = text(client.get(setup))
    secret = re.search(r'id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    next_url = re.search(r'name="next" type="hidden" value="([^"]*)"', page).group(1)
    response = client.post_form(
        "/account/two-step/setup", {"code": pyotp.TOTP(secret).now(), "next": next_url}
    )
    assert 'href="/admin/users?q=carla"' in text(response)


def test_admins_cannot_change_roles_without_it(client, db, login, make_user):
    target = make_user(role="seeker")
    login(client, make_user(role="admin"))
    response = client.post_form(f"/admin/users/{target.id}/champion/grant", {})
    assert response.status_code == 302 and response.location == "/account/two-step/setup"
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "seeker"


def test_champion_without_it_still_sees_the_dashboard(client, login, make_user):
    login(client, make_user(role="champion"))
    assert client.get("/lmi").status_code == 200


@pytest.mark.parametrize("role", ["seeker", "agency"])
def test_seekers_and_agency_staff_are_not_asked(client, login, make_user, make_agency, role):
    user = make_user(role=role)
    if role == "agency":
        make_agency(owner=user)
    response = login(client, user)
    assert response.location == "/dashboard"
    home = "/profile" if role == "seeker" else "/agency"
    assert client.get(home).status_code == 200


def test_the_command_line_extract_is_unaffected(db, runner, tmp_path):
    db.session.add(ReportingPeriod(fiscal_year=2025, due_on=date(2026, 6, 30)))
    db.session.commit()
    out = tmp_path / "extract.csv"
    result = runner.invoke(args=["lmi", "export", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_an_administrator_resets_it_from_the_command_line(client, db, runner, login, enabled):
    user, _, codes = enabled
    login(client, user)
    db.session.expire_all()  # the command reads the account afresh, as a new process would
    result = runner.invoke(args=["users", "reset-two-step", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Two-step sign-in is off for {user.email}" in result.output
    assert client.get("/account").status_code == 302  # their sessions ended
    db.session.expire_all()
    assert not db.session.get(User, user.id).two_step_enabled
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert (
        db.session.scalar(
            select(AuditEvent.detail).where(
                AuditEvent.action == "two_step.reset", AuditEvent.object_id == user.id
            )
        )
        == "command line"
    )
    assert sign_in_password(client, user).location == "/dashboard"

    result = runner.invoke(args=["users", "reset-two-step", user.email])
    assert result.exit_code == 1 and "does not use two-step sign-in" in result.output
    result = runner.invoke(args=["users", "reset-two-step", "nobody@example.org"])
    assert result.exit_code == 1 and "No account uses" in result.output
