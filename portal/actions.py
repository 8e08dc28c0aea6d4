"""One way for a view to run a service that may refuse: commit, update the search index
and flash success; or roll back and flash the service's reason."""

from collections.abc import Callable

from flask import flash

from portal import search
from portal.errors import PortalError
from portal.extensions import db


def run_action(action: Callable[[], object], message: str | Callable[[], str]) -> bool:
    """Run ``action``; True when it succeeded and was committed.

    ``message`` is the success message, or a function giving it after the action ran (for
    messages that depend on its result). Search is synced after every commit: a no-op when
    the action changed nothing indexed.
    """
    try:
        action()
    except PortalError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return False
    db.session.commit()
    search.sync_after_commit()
    flash(message() if callable(message) else message, "success")
    return True
