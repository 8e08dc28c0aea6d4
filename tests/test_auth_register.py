"""Seeker registration and email confirmation."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from portal.models import User
from tests.support import CSRF_RE, PASSWORD, path_of, text


def test_register_confirm_and_login(client, db, mailbox):
    response = client.post_form(
        "/register",
        {
            "full_name": "Maya Singh",
            "email": "Maya@Example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "maya@example.org"))
    assert user is not None and user.role == "seeker" and not user.email_confirmed
    assert user.password_hash.startswith("$argon2id$")

    # cannot sign in before confirming
    page = client.post_form("/login", {"email": "maya@example.org", "password": PASSWORD})
    assert "confirm your email address first" in page.get_data(as_text=True)

    link = mailbox.last_link("maya@example.org", "/confirm/")
    assert client.get(path_of(link)).status_code == 302
    db.session.expire_all()
    assert user.email_confirmed

    response = client.post_form("/login", {"email": "maya@example.org", "password": PASSWORD})
    assert response.status_code == 302
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, Maya Singh" in dashboard

    # the link is single use
    again = client.get(path_of(link), follow_redirects=True).get_data(as_text=True)
    assert "invalid, already used or expired" in again


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter your name."),
        ("email", "not-an-email", "Enter a valid email address"),
        ("password", "short", "Use between 12 and 128 characters."),
        ("password", "x" * 129, "Use between 12 and 128 characters."),
        ("confirm", "something else entirely", "The two passwords do not match."),
    ],
)
def test_register_bad_input_keeps_values(client, db, field, value, message):
    data = {
        "full_name": "Omar Khan",
        "email": "omar@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data[field] = value
    if field == "password":
        data["confirm"] = value
    response = client.post_form("/register", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    if field != "email":
        assert 'value="omar@example.org"' in page
    assert db.session.scalar(select(User).where(User.email == "omar@example.org")) is None


# --- a registered address (issue 12 §3): the same answer, and an email to its owner -------


def _register(client, email: str, password: str = PASSWORD):
    return client.post_form(
        "/register",
        {"full_name": "Someone New", "email": email, "password": password, "confirm": password},
    )


def _answer(client, email: str) -> tuple[int, str, int, str]:
    """What the registering person sees: the status and address of the answer and the page
    it leads to, without the CSRF token and the address typed."""
    response = _register(client, email)
    page = client.get(response.location)
    location = response.location.replace(quote(email, safe="@"), "EMAIL")
    return (
        response.status_code,
        location,
        page.status_code,
        CSRF_RE.sub("", text(page)).replace(email, "EMAIL"),
    )


@pytest.mark.parametrize("confirmed", [True, False])
def test_registering_a_registered_email_looks_the_same(app, db, mailbox, make_user, confirmed):
    owner = make_user(email="taken@example.org", name="Tomas Taken", confirmed=confirmed)
    old_hash = owner.password_hash
    taken = _answer(app.test_client(), "Taken@Example.org")
    fresh = _answer(app.test_client(), "fresh@example.org")
    assert taken == fresh
    assert taken[0] == 302 and taken[2] == 200 and "Check your email" in taken[3]
    assert "already" not in taken[3]

    # nothing changed about the account; one new account for the new address only
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id))) == 2
    same = db.session.scalar(select(User).where(User.email == "taken@example.org"))
    assert (same.name, same.password_hash, same.role) == ("Tomas Taken", old_hash, "seeker")


def test_the_owner_of_a_registered_email_is_told(app, db, mailbox, make_user):
    make_user(email="taken@example.org", name="Tomas Taken")
    _register(app.test_client(), "taken@example.org", "violet lantern orbit 2026")
    messages = mailbox.to("taken@example.org")
    assert [m["Subject"] for m in messages] == ["Someone tried to register with your email address"]
    body = messages[0].get_body(("plain",)).get_content()
    assert "Hello Tomas Taken" in body
    assert "You already have an account, so no new one was made" in body
    assert "http://localhost/login" in body.split()  # a sign-in link
    assert "violet lantern orbit 2026" not in body  # what was typed is not sent anywhere
    html_body = messages[0].get_body(("html",)).get_content()
    assert 'href="http://localhost/login"' in html_body and "/reset/" in html_body

    # the reset link in it works
    reset = path_of(mailbox.last_link("taken@example.org", "/reset/"))
    client = app.test_client()
    assert client.get(reset).status_code == 200
    new = "a different but equally long passphrase"
    response = client.post_form(reset, {"password": new, "confirm": new})
    assert response.status_code == 302 and response.location == "/login"
    response = client.post_form("/login", {"email": "taken@example.org", "password": new})
    assert response.status_code == 302 and response.location == "/dashboard"


def test_registering_a_registered_email_does_the_same_argon2_work(app, make_user, argon2_calls):
    """No easy timing oracle: both answers hash the typed password once."""
    make_user(email="taken@example.org")
    calls = argon2_calls
    work = {}
    for email in ("taken@example.org", "fresh@example.org"):
        calls.clear()
        assert _register(app.test_client(), email).status_code == 302
        work[email] = calls[:]
    assert work["taken@example.org"] == work["fresh@example.org"] == ["hash"]
