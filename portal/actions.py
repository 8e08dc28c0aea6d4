"""The one transaction convention of views: services change and flush and raise PortalError
to refuse; a view commits once, through ``run_action`` (a service that may refuse) or
``commit`` (bookkeeping nobody refuses). Both apply the search outbox after the commit."""

from collections.abc import Callable, Mapping

from flask import flash

from portal import search
from portal.errors import PortalError
from portal.extensions import db

Errors = list[str] | Mapping[type[PortalError], list[str]]


def commit() -> None:
    """Commit the request's changes and make changed jobs searchable before it returns.

    Search is synced after every commit: a no-op when nothing indexed changed."""
    db.session.commit()
    search.sync_after_commit()


def run_action(
    action: Callable[[], object],
    message: str | Callable[[], str] | None = None,
    *,
    category: str = "success",
    refusal_category: str = "danger",
    errors: Errors | None = None,
) -> bool:
    """Run ``action``; True when it succeeded and was committed.

    ``message`` is flashed (in ``category``) after the commit, or a function giving it (for
    messages that depend on the result); None flashes nothing. A refusal is rolled back and
    flashed (in ``refusal_category``), or, with ``errors``, added to that error list of a
    form or form field instead — or to the list of the first matching class in a mapping
    ``{WrongPassword: form.password.errors, PortalError: form.email.errors}`` (flashed when
    none matches).
    """
    try:
        action()
    except PortalError as exc:
        db.session.rollback()
        if isinstance(errors, Mapping):  # the list of the first class that matches, if any
            errors = next((found for kind, found in errors.items() if isinstance(exc, kind)), None)
        if errors is None:
            flash(str(exc), refusal_category)
        else:
            errors.append(str(exc))
        return False
    commit()
    if message is not None:
        flash(message() if callable(message) else message, category)
    return True
