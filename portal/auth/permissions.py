"""Who may use which route: role checks and safe redirects."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
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
    """Only a path on this site is accepted as a ``next`` redirect."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
