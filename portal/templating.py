"""Template filters and globals."""

from datetime import datetime

from flask import Flask, has_request_context
from flask_login import current_user

from portal import schedules
from portal.agencies.permissions import current_membership, memberships_of
from portal.forms import ConfirmForm, requirement
from portal.markup import render_markdown
from portal.numbers import money
from portal.pools import services as pools
from portal.timeutil import PACIFIC


def local_datetime(value: datetime | None, fmt: str = "%b %-d, %Y %-I:%M %p") -> str:
    """UTC from the database, shown in Pacific time."""
    if value is None:
        return ""
    return value.astimezone(PACIFIC).strftime(fmt)


def local_date(value: datetime | None) -> str:
    return local_datetime(value, "%b %-d, %Y")


def answer_text(value: str | None, blank: str = "—") -> str:
    """A screening answer as people read it: "Yes" / "No" for a yes/no question."""
    if value in ("yes", "no"):
        return value.capitalize()
    return value or blank


def register(app: Flask) -> None:
    app.add_template_filter(answer_text, "answer")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(money, "money")
    app.add_template_filter(schedules.describe, "schedule")
    app.add_template_global(pools.fte, "fte")
    app.add_template_global(requirement, "requirement")

    @app.context_processor
    def navigation():
        if not has_request_context():  # an email rendered by a command or the worker
            return {}
        # the sign-out form needs only its CSRF token: it must not read the request body
        # (the 413 page is rendered for a body too large to read). Signed out, there is no
        # form: a public page then carries no token and sets no cookie, so it may be cached
        nav_form = ConfirmForm(formdata=None) if current_user.is_authenticated else None
        if current_user.is_authenticated and current_user.role == "agency":
            return {
                "nav_memberships": memberships_of(current_user),
                "nav_membership": current_membership(),
                "nav_form": nav_form,
            }
        return {"nav_memberships": [], "nav_membership": None, "nav_form": nav_form}
