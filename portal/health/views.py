"""``GET /healthz``: this node's health for a load balancer (``portal.health.services``).

Anyone may ask (no sign-in, no rate limit). The request's cookies are dropped before the
app sees them: no session is read, so no user is loaded (it answers with the database
down), and no cookie is ever set. The answer is never cached and never a 500: 200 for
``ok`` and ``degraded``, 503 for ``fail``.
"""

import logging

from flask import Blueprint, jsonify

from portal.extensions import limiter
from portal.health import services

bp = Blueprint("health", __name__)
PATH = "/healthz"
log = logging.getLogger("portal.health")


@bp.record_once
def _cookies_unread(state) -> None:
    state.app.wsgi_app = WithoutCookies(state.app.wsgi_app)


class WithoutCookies:
    """WSGI middleware: the probe's request reaches the portal without its cookies, so the
    app's before-request hooks (sign-in time limits, consent, ...) see nobody signed in —
    they would load the user from the database and renew the session cookie."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == PATH:
            environ.pop("HTTP_COOKIE", None)
        return self.wsgi_app(environ, start_response)


@bp.route(PATH)
@limiter.exempt
def healthz():
    try:
        found = services.report()
        body, status = found.as_json(), 503 if found.status == "fail" else 200
    except Exception as exc:  # noqa: BLE001 (a load balancer must get an answer it can read)
        log.exception("the health report failed")
        body, status = {"status": "fail", "reasons": [f"report: {type(exc).__name__}"]}, 503
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
