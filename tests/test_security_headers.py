"""Security headers (portal/security_headers.py): on pages, static files and error pages;
``Cache-Control: no-store`` for anything that belongs to one visitor, while public pages
and static files stay cacheable; HSTS only when ``PORTAL_ENV=production``; no template
holds inline code the Content-Security-Policy would block. Every route of the app, as every
role, is checked in ``tests/test_access.py``; the browser side in
``tests/browser/test_content_security_policy.py``."""

from pathlib import Path

import pytest

from portal import create_app
from portal.extensions import db as _db
from tests.support.security_headers import INLINE_CODE, assert_security_headers

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_anonymous_responses(client, make_job):
    """A public page that sets no cookie and shows no form token is not marked no-store."""
    job = make_job()
    for url, status in [
        ("/", 200),
        ("/jobs", 200),
        ("/privacy", 200),
        ("/static/css/portal.css", 200),
        ("/no-such-page", 404),
        ("/jobs?q=%00", 400),
    ]:
        response = client.get(url, buffered=True)  # read (and the static file closed)
        assert response.status_code == status, url
        assert_security_headers(response)
        assert "Set-Cookie" not in response.headers, url
        assert not no_store(response), f"{url}: a public page may be cached"
    assert_security_headers(client.get(f"/jobs/{job.id}"))  # with its JSON-LD data block
    assert client.post("/jobs").status_code == 405
    bootstrap_css = client.get("/bootstrap/static/css/bootstrap.min.css", buffered=True)
    assert bootstrap_css.status_code == 200
    assert_security_headers(bootstrap_css)


def test_pages_with_a_form_token_are_not_stored(client):
    """The token is tied to this visitor's session: a shared cache must not keep the page."""
    for url in ("/login", "/register", "/forgot"):
        response = client.get(url)
        assert response.status_code == 200 and 'name="csrf_token"' in response.text, url
        assert_security_headers(response, signed_in=True)


def test_signed_in_responses_are_not_stored(client, login, make_user, make_job):
    job = make_job()
    seeker = make_user(role="seeker")
    signed_in = login(client, seeker)
    assert_security_headers(signed_in, signed_in=True)  # the redirect after the password
    for url in ("/", "/dashboard", "/jobs", f"/jobs/{job.id}", "/no-such-page"):
        assert_security_headers(client.get(url), signed_in=True)
    static = client.get("/static/css/portal.css", buffered=True)
    assert_security_headers(static)
    assert not no_store(static), "static files are the same for everyone: cacheable"
    signed_out = client.post_form("/logout")
    assert_security_headers(signed_out, signed_in=True)
    client.get("/jobs")  # shows (and clears) the "signed out" message: not stored either
    assert not no_store(client.get("/jobs"))


@pytest.mark.parametrize("env", ["development", "testing", "production"])
def test_hsts_only_in_production(app, env, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", env)
    monkeypatch.setenv("PORTAL_SECRET_KEY", "hsts-test-secret-key-0123456789abcdef")
    monkeypatch.setenv("PORTAL_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("PORTAL_SEARCH_INDEX_DIR", app.config["SEARCH_INDEX_DIR"])
    other = create_app()
    client = other.test_client()
    try:
        for url in ("/jobs", "/static/css/portal.css", "/no-such-page"):
            response = client.get(url, base_url="https://localhost", buffered=True)
            assert_security_headers(response, hsts=env == "production")
    finally:
        with other.app_context():
            _db.engine.dispose()  # its own connections, closed now rather than by the GC
    if env == "production":
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )


# not web pages, so no CSP applies: emails (mail clients need inline styles) and the page
# of a person's data export, opened from the ZIP (self-contained: its CSS inline)
NOT_WEB_PAGES = ("email/", "privacy/export_summary.html")


def test_templates_hold_no_inline_script_or_style():
    """Web pages: no style attributes, <style> elements, inline <script> or on...= handlers
    (the CSP blocks them)."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).as_posix().startswith(NOT_WEB_PAGES):
            continue
        for match in INLINE_CODE.finditer(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}")
    assert found == []
