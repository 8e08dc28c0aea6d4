"""Logging: the portal's log (logger ``portal`` and its children) goes to the server's
error stream at ``LOG_LEVEL``, one line per request::

    [2026-12-03 13:00:00,123] INFO portal.requests [3f2a...]: GET /jobs 200 12.3ms

Every record made during a request carries its request id (``record.request_id``, in
brackets above): behind a trusted proxy (``TRUSTED_PROXIES``), the proxy's ``X-Request-ID``
if it is well-formed, else a new one — a client cannot choose it. The response sends it
back in ``X-Request-ID`` and the 500 page shows it, so a person's "reference" finds the
request and its stack trace in the log. Paths are logged without their query string, with
control characters escaped (a line cannot be forged) and tokens masked: the token of a
matched route (password reset, confirmation, invitation links) and, on any path, a segment
that looks like one (20 or more letters, digits, ``-`` or ``_`` with a digit among them).
"""

import logging
import re
import time
import uuid
from functools import partial

from flask import Flask, current_app, g, has_request_context, request
from flask.logging import default_handler, wsgi_errors_stream
from flask.wrappers import Response

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")  # a proxy's id: no spaces, no newlines
MASK = "[token]"
TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,}")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ENVIRON_KEY = "portal.request_id"

requests_log = logging.getLogger("portal.requests")

HANDLER = logging.StreamHandler(wsgi_errors_stream)
HANDLER.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s %(name)s [%(request_id)s]: %(message)s")
)
_make_record = logging.getLogRecordFactory()


def register(app: Flask) -> None:
    logger = app.logger  # "portal": the parent of every portal.* logger
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    logger.removeHandler(default_handler)  # Flask's, without the request id
    if HANDLER not in logger.handlers:
        logger.addHandler(HANDLER)
    if logging.getLogRecordFactory() is not _record:
        logging.setLogRecordFactory(_record)
    app.log_exception = partial(_log_exception, app)  # the masked path, not request.path
    app.before_request(_start)
    app.after_request(_finish)


def request_id() -> str:
    """This request's id: a trusted proxy's ``X-Request-ID`` if well-formed, else a new one.

    Kept in the request's environ (not ``g``, which a worker's one app context shares
    across all the requests it fakes)."""
    environ = request.environ
    if ENVIRON_KEY not in environ:
        incoming = request.headers.get(HEADER, "")
        proxied = current_app.config["TRUSTED_PROXIES"] > 0
        trusted = proxied and WELL_FORMED.fullmatch(incoming)
        environ[ENVIRON_KEY] = incoming if trusted else uuid.uuid4().hex
    return environ[ENVIRON_KEY]


def _record(*args, **kwargs) -> logging.LogRecord:
    record = _make_record(*args, **kwargs)
    record.request_id = request_id() if has_request_context() else "-"
    return record


def _path() -> str:
    """The request's path (never its query string), tokens masked, control characters
    escaped."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, MASK)
    path = TOKEN_LIKE.sub(MASK, path)  # also where no route matched (404, 405)
    return CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", path)


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    milliseconds = round((time.perf_counter() - started) * 1000, 1) if started else 0.0
    path, status = _path(), response.status_code
    requests_log.info(
        "%s %s %s %sms",
        request.method,
        path,
        status,
        milliseconds,
        extra={"method": request.method, "path": path, "status": status, "ms": milliseconds},
    )
    response.headers[HEADER] = request_id()
    return response


def _log_exception(app: Flask, exc_info) -> None:
    """Flask's unhandled-exception log line (with the stack trace), path masked."""
    app.logger.error("Exception on %s [%s]", _path(), request.method, exc_info=exc_info)
