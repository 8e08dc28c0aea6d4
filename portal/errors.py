"""Error pages and the portal's exception types."""

import math
import time

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from portal import logs
from portal.extensions import limiter


class PortalError(Exception):
    """A rule was broken; the message is safe to show to the user."""


def register(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        megabytes = app.config["RESUME_MAX_BYTES"] // (1024 * 1024)
        return render_template("errors/413.html", max_mb=megabytes), 413

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/400.html", reason=error.description), 400

    @app.errorhandler(429)
    def too_many_requests(error):
        """A rate limit (portal/ratelimits.py) was reached: say how long to wait."""
        current = limiter.current_limit
        seconds = max(1, int(current.reset_at - time.time())) if current else 60
        minutes = math.ceil(seconds / 60) if current else None
        response = app.make_response((render_template("errors/429.html", minutes=minutes), 429))
        response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(500)
    def server_error(error):
        """The page shows the request id the log has with the stack trace (portal/logs.py)."""
        return render_template("errors/500.html", request_id=logs.request_id()), 500
