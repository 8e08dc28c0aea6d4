"""Security headers on every response, static files and error pages included (issue 12 §2).

- ``Content-Security-Policy``: everything from this site only; no inline script and no
  inline style (no ``<script>`` bodies, no ``style="..."`` attributes, no ``<style>``
  elements — the portal's own rules live in static/css/portal.css). The server-drawn SVG
  charts use SVG presentation attributes (``fill="#2a7fa5"``), which CSP allows. The job
  page's ``<script type="application/ld+json">`` is a data block, never run, so the policy
  does not apply to it. ``data:`` images are Bootstrap's form icons and the two-step QR code.
- ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (older browsers): no framing.
- ``Cache-Control: no-store`` on every response that belongs to one visitor: a signed-in
  user's, one that changes the session, and one carrying a form's CSRF token.
  Static files stay cacheable.
- ``Strict-Transport-Security`` when ``HSTS_SECONDS`` is set (production: one year).
"""

from flask import Flask, current_app, g, request, session
from flask.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Browser features no page of the portal uses, turned off for every origin (the names
# Chromium knows: an unknown name is logged as an error in the console, e.g. the retired
# FLoC "interest-cohort", replaced by "browsing-topics").
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_static_file(endpoint: str | None) -> bool:
    """A file under static/ or Bootstrap-Flask's: not a page of one visitor (cacheable,
    and not activity that keeps a sign-in alive)."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def register(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    response.headers.update(HEADERS)
    seconds = current_app.config.get("HSTS_SECONDS")
    if seconds:
        response.headers["Strict-Transport-Security"] = f"max-age={int(seconds)}; includeSubDomains"
    if not is_static_file(request.endpoint) and _belongs_to_one_visitor(response):
        if "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
    return response


def _belongs_to_one_visitor(response: Response) -> bool:
    """A signed-in user's response, one that sets or clears the session cookie (signing in
    or out, a flash message, a new form token), or a page showing this session's CSRF
    token."""
    user = g.get("_login_user")  # Flask-Login's user of this request, when it was loaded
    if (user is not None and user.is_authenticated) or "_user_id" in session:
        return True
    if current_app.session_interface.should_set_cookie(current_app, session):
        return True
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return bool(
        token
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
        and token in response.get_data(as_text=True)
    )
