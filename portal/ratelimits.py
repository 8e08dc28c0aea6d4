"""The portal's rate limits: one decorator per kind of request, its limit a setting.

Counted per signed-in user, else per client address (``extensions.user_or_ip``); the
mailing forms are also counted per email address typed in, so nobody can flood one inbox
from many addresses. Only POST counts: looking at a form is free. Limits are read from the
app's settings at each request (``RATELIMIT_REGISTER`` ...); storage is memory or Redis
(``PORTAL_RATELIMIT_STORAGE_URL``). A refused request gets the 429 page (``portal.errors``).
The sign-in form keeps its own throttle, counted in the database (``auth.services``).
"""

from flask import current_app, request

from portal.extensions import limiter


def setting(name: str):
    return lambda: current_app.config[name]


def email_typed() -> str:
    return "email:" + request.form.get("email", "").strip().lower()


def email_sent(response) -> bool:
    return response.status_code in (302, 303)  # these forms redirect once they have mailed


def _per_email(scope: str):
    """Counts only accepted forms (a mistyped password costs nothing), per address typed."""
    return limiter.shared_limit(
        setting("RATELIMIT_PER_EMAIL"),
        scope=f"{scope}-email",
        key_func=email_typed,
        methods=["POST"],
        deduct_when=email_sent,
    )


def _both(*decorators):
    def decorate(view):
        for decorator in reversed(decorators):
            view = decorator(view)
        return view

    return decorate


# seeker and agency registration share one count
register = _both(
    limiter.shared_limit(setting("RATELIMIT_REGISTER"), scope="register", methods=["POST"]),
    _per_email("register"),
)
password_reset = _both(
    limiter.limit(setting("RATELIMIT_PASSWORD_RESET"), methods=["POST"]),
    _per_email("password-reset"),
)
confirmation_resend = _both(
    limiter.limit(setting("RATELIMIT_CONFIRMATION_RESEND"), methods=["POST"]),
    _per_email("confirmation-resend"),
)
# a signed-in user's new address gets a confirmation link: counted per user
email_change = limiter.limit(setting("RATELIMIT_CONFIRMATION_RESEND"), methods=["POST"])
apply = limiter.limit(setting("RATELIMIT_APPLY"), methods=["POST"])
# saving a search as an alert emails a confirmation link: per client and per address
alert_signup = _both(
    limiter.limit(setting("RATELIMIT_ALERTS"), methods=["POST"]),
    _per_email("alerts"),
)
# staff invitations, job invitations to list members, partner invitations: one count
invitations = limiter.shared_limit(
    setting("RATELIMIT_INVITATIONS"), scope="invitations", methods=["POST"]
)
# for the API blueprint: ``ratelimits.api(bp)`` limits every route of it, every method
api = limiter.shared_limit(setting("RATELIMIT_API"), scope="api")
# a person's download of everything the portal holds about them (a ZIP of all their files)
export = limiter.limit(setting("RATELIMIT_EXPORT"), methods=["POST"])
