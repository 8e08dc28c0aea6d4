"""The half-finished sign-in: after a correct password, the session holds only who is
signing in (not signed in), until when, where to go next and the arguments for
``sessions.start`` (e.g. "keep me signed in"); the second step completes it.

The session version travels with it, so a password change or "sign out everywhere" in the
meantime ends it as it ends sessions."""

import time

from flask import current_app, session

from portal.extensions import db
from portal.models import User

KEY = "two_step_pending"


def begin(user: User, next_url: str | None, **start_args) -> None:
    session.clear()
    ttl = current_app.config["TWO_STEP_PENDING_TTL"].total_seconds()
    session[KEY] = {
        "user": user.id,
        "version": user.session_version,
        "until": time.time() + ttl,
        "next": next_url,
        "start": start_args,
    }


def get() -> dict | None:
    """The pending sign-in, expired or not (its ``next`` outlives it)."""
    pending = session.get(KEY)
    return pending if isinstance(pending, dict) else None


def user(pending: dict) -> User | None:
    """Who is signing in, unless the pending sign-in has expired or ended."""
    if pending.get("until", 0) < time.time():
        return None
    found = db.session.get(User, pending["user"])
    if (
        found is None
        or not found.is_active
        or not found.two_step_enabled
        or found.session_version != pending["version"]
    ):
        return None
    return found


def end() -> None:
    session.pop(KEY, None)
