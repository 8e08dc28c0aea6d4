"""Common and guessable passwords are refused, saying why (issue 12 §3): zxcvbn, offline,
score below 3 refused, the person's name and email address (and agency name) counted as
guessable. Every form where a password is set: registration, agency registration, the
reset link, the account page, an agency invitation — and ``flask users create-admin``."""

import re
import socket

import pytest
from sqlalchemy import select

from portal.auth.passwords import guessable_words, weakness
from portal.models import Agency, User
from tests.support import PASSWORD, count, field_error, path_of, text
from tests.support.agencies import account_fields, agency_fields

TOO_EASY = "This password is too easy to guess."
MORE_WORDS = "Add another word or two. Uncommon words are better."
PERSONAL = "It contains your name, email address or agency name, which others can guess."

# (password, why) for someone called Maya Singh, maya.singh@example.org
WEAK = [
    ("password1234", "This is a very common password."),
    ("qwertyuiop123", "This is a very common password."),
    ("iloveyou2026", "This is similar to a commonly used password."),
    ("123456789012", "This is similar to a commonly used password."),
    ("P@ssw0rd2026", "Predictable substitutions like '@' instead of 'a' don't help very much."),
    ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
    ("abcdefghijkl", 'Sequences like "abc" or "6543" are easy to guess.'),
    ("mayasingh2026", PERSONAL),
    ("Singh12345678", PERSONAL),
    ("maya.singh@example.org", PERSONAL),
]
STRONG = [
    "correct horse battery staple",
    "violet lantern orbit 2026",
    "Tr0ub4dor&3xyz!",
    "demo-password-2026",
]
ME = {"full_name": "Maya Singh", "email": "maya.singh@example.org"}


def password_inputs(page: str) -> list[str]:
    """The value attributes of the page's new-password inputs ("" when there is none)."""
    inputs = re.findall(r'<input[^>]*name="(?:password|confirm)"[^>]*>', page)
    return [(re.search(r'value="([^"]*)"', tag) or [None, ""])[1] for tag in inputs]


def register(client, password: str, **fields):
    return client.post_form(
        "/register", {**ME, **fields, "password": password, "confirm": password}
    )


@pytest.mark.parametrize(("password", "why"), WEAK)
def test_registration_refuses_a_weak_password_saying_why(client, db, password, why):
    response = register(client, password)
    assert response.status_code == 200
    page = text(response)
    error = field_error(page, "password")
    assert error.startswith(TOO_EASY) and why in error, error
    assert MORE_WORDS in error
    # what was typed is kept, except the passwords
    assert 'value="Maya Singh"' in page and 'value="maya.singh@example.org"' in page
    assert password_inputs(page) == ["", ""]
    assert count(db, User) == 0


@pytest.mark.parametrize("password", STRONG)
def test_registration_accepts_a_strong_password(client, db, mailbox, password):
    response = register(client, password)
    assert response.status_code == 302 and response.location.startswith("/register/check-email")
    assert count(db, User) == 1


def test_a_password_is_judged_against_the_name_and_address_typed(client, db):
    """The same password is fine for someone else."""
    assert field_error(
        text(
            register(
                client, "harbourview2026", full_name="Harbour View", email="harbour@view.example"
            )
        ),
        "password",
    )
    response = register(client, "harbourview2026 lantern")
    assert response.status_code == 302


def test_length_errors_come_alone(client, db):
    response = register(client, "aaaa")
    assert field_error(text(response), "password") == "Use between 12 and 128 characters."


def test_a_long_password_is_judged_quickly(client, db):
    """zxcvbn's time grows with length: the longest password allowed is judged on its
    start; a long strong one is accepted."""
    long = "harbour lantern orbit violet " * 4
    assert register(client, long[:128]).status_code == 302
    response = register(client, "a" * 128, email="other@example.org")
    assert TOO_EASY in field_error(text(response), "password")


def test_agency_registration_refuses_a_weak_password(client, db):
    data = {
        **account_fields(),
        **agency_fields(db),
        "password": "riverbank2026",
        "confirm": "riverbank2026",
    }
    response = client.post_form("/agencies/register", data)
    assert response.status_code == 200
    page = text(response)
    assert PERSONAL in field_error(page, "password")  # the agency's name counts
    assert 'value="Riverbank Family Services"' in page and 'value="Lena Ortiz"' in page
    assert "riverbank2026" not in page and password_inputs(page) == ["", ""]
    assert count(db, Agency) == 0 and count(db, User) == 0


def test_reset_link_refuses_a_weak_password(client, db, mailbox, make_user):
    user = make_user(name="Maya Singh", email="maya.singh@example.org")
    client.post_form("/forgot", {"email": user.email})
    link = path_of(mailbox.last_link(user.email, "/reset/"))
    old = user.password_hash
    for password in ("password1234", "mayasingh2026"):
        response = client.post_form(link, {"password": password, "confirm": password})
        assert response.status_code == 200
        assert TOO_EASY in field_error(text(response), "password")
    assert PERSONAL in field_error(text(response), "password")
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old
    response = client.post_form(link, {"password": STRONG[1], "confirm": STRONG[1]})
    assert response.status_code == 302 and response.location == "/login"


def test_change_password_refuses_a_weak_password(client, db, login, make_user):
    user = make_user(name="Maya Singh", email="maya.singh@example.org")
    login(client, user)
    for password, why in (("iloveyou2026", WEAK[2][1]), ("Maya.Singh.2026", PERSONAL)):
        response = client.post_form(
            "/account/password",
            {"current_password": PASSWORD, "password": password, "confirm": password},
        )
        assert response.status_code == 400
        error = field_error(text(response), "password")
        assert TOO_EASY in error and why in error, error
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_invitation_refuses_a_weak_password(app, client, db, make_agency, login, mailbox):
    agency = make_agency()
    login(client, agency.owner)
    client.post_form("/agency/staff/invite", {"email": "rita.gomez@example.org"})
    link = path_of(mailbox.last_link("rita.gomez@example.org", "/invitations/"))
    visitor = app.test_client()
    for password in ("password1234", "ritagomez2026"):
        response = visitor.post_form(
            link, {"full_name": "Rita Gomez", "password": password, "confirm": password}
        )
        assert response.status_code == 200
        page = text(response)
        assert TOO_EASY in field_error(page, "password")
        assert 'value="Rita Gomez"' in page and password not in page
        assert password_inputs(page) == ["", ""]
    assert db.session.scalar(select(User).where(User.email == "rita.gomez@example.org")) is None


def test_create_admin_command_refuses_a_weak_password(db, runner):
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.org", "--password", "password1234"]
    )
    assert result.exit_code != 0
    assert TOO_EASY in result.output and "This is a very common password." in result.output
    assert count(db, User) == 0


def test_the_password_never_leaves_the_process(app, monkeypatch):
    """zxcvbn works offline: no connection is opened while a password is judged."""

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert weakness("password1234", guessable_words("Maya Singh")).startswith(TOO_EASY)
    assert weakness(STRONG[0], []) is None


def test_guessable_words():
    assert set(guessable_words("Maya Singh", "maya.singh@example.org")) >= {
        "maya",
        "singh",
        "mayasingh",
        "maya.singh",
        "maya.singh@example.org",
        "example",
    }
