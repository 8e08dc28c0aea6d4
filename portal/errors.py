"""Error pages and the portal's exception types."""

import math
import time

from flask import Flask, Response, json, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from portal import logs
from portal.extensions import limiter

API_PREFIX = "/api/"  # errors of these paths are problem+json (RFC 9457), not pages


class PortalError(Exception):
    """A rule was broken; the message is safe to show to the user."""


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> Response:
    """An ``application/problem+json`` answer: ``title`` defaults to the status's name,
    ``errors`` lists ``{"field": ..., "detail": ...}`` one per field problem."""
    body = {
        "type": "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body["instance"] = request.path
    response = Response(json.dumps(body), status, mimetype="application/problem+json")
    response.headers.update(headers or {})
    return response


def field_errors(messages, prefix: str = "") -> list[dict]:
    """webargs/marshmallow messages (``{"json": {"title": ["..."]}}``) as a flat list of
    ``{"field": "title", "detail": "..."}`` (nested fields joined with dots)."""
    found: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "query", "form", "headers", "files"):
                name = ""  # where the field was is in the request's type, not the name
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            found.extend(field_errors(value, name))
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, dict | list | tuple):
                found.extend(field_errors(item, prefix))
            else:
                found.append({"field": prefix or None, "detail": str(item)})
    else:
        found.append({"field": prefix or None, "detail": str(messages)})
    return found


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def any_http_error(error):
        """The API's errors (webargs' validation errors included); pages keep Werkzeug's."""
        if not is_api_request():
            return error
        data = getattr(error, "data", None) or {}
        messages = data.get("errors") or data.get("messages")
        return problem(
            error.code or 500,
            data.get("message") or error.description,
            errors=field_errors(messages) if messages else None,
            headers=data.get("headers"),
        )

    @app.errorhandler(403)
    def forbidden(error):
        if is_api_request():
            return any_http_error(error)
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        if is_api_request():
            return any_http_error(error)
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        if is_api_request():
            return any_http_error(error)
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
        if is_api_request():
            return problem(
                429,
                f"Too many requests: try again in {seconds} seconds.",
                headers={"Retry-After": str(seconds)},
            )
        response = app.make_response((render_template("errors/429.html", minutes=minutes), 429))
        response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(500)
    def server_error(error):
        """The page shows the request id the log has with the stack trace (portal/logs.py)."""
        if is_api_request():
            return problem(500, f"Something went wrong on our side (request {logs.request_id()}).")
        return render_template("errors/500.html", request_id=logs.request_id()), 500
