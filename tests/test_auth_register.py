"""Seeker registration and email confirmation."""

import pytest
from sqlalchemy import select

from portal.models import User
from tests.conftest import PASSWORD, path_of


def test_register_confirm_and_login(client, db, mailbox):
    response = client.post_form("/register", {
        "full_name": "Maya Singh", "email": "Maya@Example.org",
        "password": PASSWORD, "confirm": PASSWORD,
    })
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


@pytest.mark.parametrize(("field", "value", "message"), [
    ("full_name", "", "Enter your name."),
    ("email", "not-an-email", "Enter a valid email address"),
    ("password", "short", "Use between 12 and 128 characters."),
    ("password", "x" * 129, "Use between 12 and 128 characters."),
    ("confirm", "something else entirely", "The two passwords do not match."),
])
def test_register_bad_input_keeps_values(client, db, field, value, message):
    data = {"full_name": "Omar Khan", "email": "omar@example.org",
            "password": PASSWORD, "confirm": PASSWORD}
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
