"""The rule: HR champions and admins set up two-step sign-in before they download
labour-market extracts or manage users (every /admin/ page).

Put ``@require_two_step`` below the route's ``require_role(...)``: the role is checked
first (403 for others), then a champion or admin without two-step sign-in is sent to the
setup page, with a message saying why, and comes back to the page afterwards (GET). The
command line (``flask lmi export``, ``flask users ...``) is unaffected.
"""

from functools import wraps

from flask import flash, redirect, request, url_for
from flask_login import current_user

TWO_STEP_ROLES = ("champion", "admin")


def must_set_up_two_step(user) -> bool:
    return user.is_authenticated and user.role in TWO_STEP_ROLES and not user.two_step_enabled


def require_two_step(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if must_set_up_two_step(current_user):
            flash(
                "To protect the people and agencies whose data you can reach, two-step "
                "sign-in is required before you download labour-market extracts or manage "
                "users. Set it up below; you will then return to the page you asked for.",
                "warning",
            )
            back = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("twofactor.setup", next=back))
        return view(*args, **kwargs)

    return wrapped
