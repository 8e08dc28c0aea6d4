"""Stylesheets go out compressed when the browser asks; pages (HTML) never do (BREACH:
a compressed page with a CSRF token beside text an attacker chooses leaks the token)."""

import gzip

import pytest


def fetch(client, path: str, **headers) -> tuple[int, dict, bytes]:
    """The status, headers and body of ``path``; the response closed (its file with it)."""
    with client.get(path, headers=headers) as response:
        return response.status_code, response.headers, response.get_data()


@pytest.mark.parametrize(
    "path", ["/bootstrap/static/css/bootstrap.min.css", "/static/css/portal.css"]
)
def test_stylesheets_are_compressed_when_asked(client, path):
    status, headers, body = fetch(client, path)
    assert status == 200 and "Content-Encoding" not in headers
    status, headers, packed = fetch(client, path, **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(packed) == body and len(packed) < len(body) / 2
    # the copy a browser keeps is checked against its ETag: 304, nothing sent again
    etag = headers["ETag"]
    status, _, again = fetch(client, path, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert status == 304 and again == b""


def test_pages_are_never_compressed(client, login, make_user):
    for path in ("/jobs", "/login"):  # a page with a CSRF token: the sign-in form
        status, headers, body = fetch(client, path, **{"Accept-Encoding": "gzip, br, zstd"})
        assert status == 200 and headers["Content-Type"].startswith("text/html"), path
        assert "Content-Encoding" not in headers, path
    assert b'name="csrf_token"' in body
    login(client, make_user())
    status, headers, _ = fetch(client, "/account", **{"Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers
