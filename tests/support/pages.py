"""Reading pages and sending forms as a browser would: the test client class, the page's
text, inline field errors, flashed messages, links from emails, two-step codes."""

import contextvars
import hashlib
import html
import os
import re
import time

import pyotp
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from portal.extensions import db as _db

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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
        """The token a page of this client's session would carry, made as Flask-WTF makes
        it (a random value kept in the session, signed) without rendering a page."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        app = self.application
        key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        return URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


def text(response) -> str:
    """The page of a response, HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def field_error(page: str, field: str) -> str | None:
    """The inline error shown under ``field`` (rendered by the ``field`` macro)."""
    found = re.search(
        rf'<div id="{field}-error" class="invalid-feedback d-block">([^<]*)</div>', page
    )
    return found.group(1) if found else None


def flashed(client, response) -> str:
    """The page a redirect leads to, with its flashed messages."""
    assert response.status_code == 302, text(response)[:3000]
    return text(client.get(response.location))


def still_signed_in(client) -> bool:
    """Whether the client's session still signs it in (checked on /account: a request, so
    it counts as activity)."""
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.location.startswith("/login")
    return False


def path_of(link: str) -> str:
    """The path (and query) of an absolute link, to request it with the test client."""
    return re.sub(r"^https?://[^/]+", "", link)


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


def sign_in(client: PortalClient, user_or_email, password: str = PASSWORD):
    """Sign in through the sign-in page; a user with two-step sign-in on then sends a code
    from their app (see ``two_step_code``). The ``login`` fixture hands this out."""
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post_form("/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    if response.location.split("?")[0].endswith("/login/verify"):
        response = client.post_form(
            "/login/verify", {"code": two_step_code(client.application, email)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response
