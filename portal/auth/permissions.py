"""Who may use which route: role checks and safe redirects."""

from functools import wraps
from urllib.parse import urlsplit, urlunsplit

from flask import abort, request
from flask_login import current_user, login_required


def has_role(*roles: str) -> bool:
    return current_user.is_authenticated and current_user.role in roles


def require_role(*roles: str):
    """View decorator: signed in (else redirect to login) and one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str | None:
    """Only a path on this site is accepted as a ``next`` redirect.

    Refused: other sites (``https://evil.example``, ``//evil.example``), other schemes
    (``javascript:``), backslashes (browsers read ``/\\evil.example`` as ``//evil.example``)
    and control characters (browsers drop a tab or newline: ``/\\t/evil.example``)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    return target


def safe_back(target: str | None, fallback: str) -> str:
    """Where to send someone back to after an action: ``target`` — a ``back`` form field,
    or the ``Referer``, which browsers send as an absolute URL — if it is a page of this
    site (reduced to its path and query), else ``fallback``. Use it for every redirect
    whose target comes from the request."""
    if not target:
        return fallback
    parts = urlsplit(target.strip())
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return fallback
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return safe_next(target) or fallback
