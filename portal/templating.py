"""Template filters and globals."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, has_request_context
from flask_login import current_user

from portal.agencies.permissions import current_membership, memberships_of
from portal.auth.forms import ConfirmForm

PACIFIC = ZoneInfo("America/Vancouver")


def local_datetime(value: datetime | None, fmt: str = "%b %-d, %Y %-I:%M %p") -> str:
    """UTC from the database, shown in Pacific time."""
    if value is None:
        return ""
    return value.astimezone(PACIFIC).strftime(fmt)


def local_date(value: datetime | None) -> str:
    return local_datetime(value, "%b %-d, %Y")


def register(app: Flask) -> None:
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_date, "local_date")

    @app.context_processor
    def navigation():
        if not has_request_context():  # an email rendered by a command or the worker
            return {}
        if current_user.is_authenticated and current_user.role == "agency":
            return {
                "nav_memberships": memberships_of(current_user),
                "nav_membership": current_membership(),
                "nav_form": ConfirmForm(),
            }
        return {"nav_memberships": [], "nav_membership": None, "nav_form": ConfirmForm()}
