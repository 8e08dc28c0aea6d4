"""How long a sign-in lasts (issue 12 §3).

The signed session cookie carries when its owner signed in and when they were last seen;
a before-request hook ends the session when either is too long ago:

| who                                  | idle                           | at most                  |
|--------------------------------------|--------------------------------|--------------------------|
| agency staff, HR champions, admins   | SESSION_IDLE_MINUTES_STAFF     | SESSION_MAX_HOURS_STAFF  |
| seekers                              | SESSION_IDLE_MINUTES_SEEKER    | SESSION_REMEMBER_DAYS    |
| seekers who ticked "keep me signed in" | SESSION_REMEMBER_DAYS        | SESSION_REMEMBER_DAYS    |

Only then is the cookie kept after the browser closes (a permanent session). Flask-Login's
own "remember me" cookie is never set, and a session without the two stamps — one that
such a cookie brought back, or one from before these rules — is ended at once.

When a session ends, the next page is the sign-in page saying why; signing in returns to
the page that was asked for (a GET), or to the page the form was on (a POST).
"""

import time
from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.auth.permissions import safe_back, safe_next
from portal.security_headers import is_static_file

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
REMEMBER = "keep_signed_in"
# where signing in again does not send anyone back to
NOT_BACK_TO = ("auth.login", "auth.logout")


def register(app) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=app.config["SESSION_REMEMBER_DAYS"])
    app.before_request(check)


def client_ip() -> str:
    """The client's address (as the trusted proxies in front saw it), for throttles."""
    return request.remote_addr or "unknown"


def start(user, remember: bool = False) -> None:
    """Sign ``user`` in with a new session (nothing of the signed-out session is kept);
    ``remember``: "keep me signed in", for seekers. Every way of signing in ends here."""
    session.clear()
    login_user(user, remember=False)  # never Flask-Login's cookie: it would outlive the limits
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    if remember and user.role == "seeker":
        session[REMEMBER] = True
        session.permanent = True  # the cookie outlives the browser window


def remembered() -> bool:
    """Whether this session is a "keep me signed in" one (kept when the session restarts)."""
    return bool(session.get(REMEMBER))


def limits(role: str, remember: bool) -> tuple[int, int]:
    """(idle, at most) in seconds for a session of ``role``."""
    config = current_app.config
    days = config["SESSION_REMEMBER_DAYS"] * 86400
    if role != "seeker":
        return config["SESSION_IDLE_MINUTES_STAFF"] * 60, config["SESSION_MAX_HOURS_STAFF"] * 3600
    if remember:
        return days, days
    return config["SESSION_IDLE_MINUTES_SEEKER"] * 60, days


def duration(seconds: int) -> str:
    """30 minutes, 2 hours, 14 days."""
    for unit, size in (("day", 86400), ("hour", 3600)):
        if seconds >= size and seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    amount = max(1, round(seconds / 60))
    return f"{amount} minute{'s' if amount != 1 else ''}"


def check():
    """Before every request: end a signed-in session that has lasted too long."""
    if is_static_file(request.endpoint) or not current_user.is_authenticated:
        return None
    now = time.time()
    signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
        return end("Please sign in again.")
    idle, most = limits(current_user.role, remembered())
    if now - last_seen > idle:
        return end(
            f"You were signed out after {duration(idle)} without activity. "
            "Sign in to continue where you were."
        )
    if now - signed_in_at > most:
        return end(
            f"You were signed out because a session lasts at most {duration(most)}. "
            "Sign in again to continue where you were."
        )
    session[LAST_SEEN] = int(now)
    return None


def end(message: str):
    """Sign out, say why, and send the visitor to the sign-in page with the way back."""
    session.clear()
    logout_user()  # also deletes a Flask-Login remember cookie, should one be sent
    flash(message, "info")
    if request.endpoint in NOT_BACK_TO:
        return None  # the sign-in page shows the message itself; sign-out needs no return
    if request.method in ("GET", "HEAD"):
        back = safe_next(request.full_path.rstrip("?"))
    else:  # the form's data is not kept: back to the page the form was on
        back = safe_back(request.referrer, "") or None
    return redirect(url_for("auth.login", next=back))
