"""Checks of the security headers (portal/security_headers.py) that any test can run on any
response: ``assert_security_headers(response, signed_in=...)``. ``tests/test_access.py``
runs it on every route of the app as every role; HTML pages are also checked for inline
script and inline style, which the Content-Security-Policy would block in a browser."""

import re

REQUIRED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"}
TURNED_OFF_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")

# In an HTML page: a style attribute or element, an inline <script> (one with neither src
# nor a data-block type), an event-handler attribute, or a javascript: link.
_TAG = r"<[a-zA-Z][^<>]*?"
INLINE_CODE = re.compile(
    rf"{_TAG}\sstyle\s*="
    r"|<style[\s>]"
    r"|<script(?![^<>]*\ssrc=)(?![^<>]*\stype=\"application/ld\+json\")[^<>]*>"
    rf"|{_TAG}\son[a-z]+\s*="
    r"|\s(?:href|src|action|formaction)\s*=\s*\"?\s*javascript:",
    re.IGNORECASE,
)


def csp_directives(value: str) -> dict[str, set[str]]:
    directives = {}
    for part in value.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_security_headers(response, signed_in: bool = False, hsts: bool = False) -> None:
    """The headers every response carries; ``Cache-Control: no-store`` when ``signed_in``;
    ``Strict-Transport-Security`` exactly when ``hsts``; no inline code in an HTML page."""
    headers = response.headers
    what = f"{response.status} {response.request.path if response.request else ''}"
    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    for name, sources in REQUIRED_CSP.items():
        assert csp.get(name) == sources, f"{what}: CSP {name} is {csp.get(name)}"
    for name, sources in csp.items():
        assert not sources & UNSAFE_SOURCES, f"{what}: CSP {name} allows {sources}"
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", what
    permissions = {p.strip() for p in headers.get("Permissions-Policy", "").split(",")}
    for feature in TURNED_OFF_FEATURES:
        assert f"{feature}=()" in permissions, f"{what}: Permissions-Policy lets {feature} on"
    if signed_in:
        cache_control = {d.strip() for d in headers.get("Cache-Control", "").split(",")}
        assert "no-store" in cache_control, f"{what}: signed in, Cache-Control {cache_control}"
    if hsts:
        assert headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in headers, what
    if response.mimetype == "text/html":
        found = INLINE_CODE.search(response.get_data(as_text=True))
        assert found is None, f"{what}: inline code the CSP blocks: {found.group(0)[:200]}"
