"""Periodic work of the prequalified lists, run by ``portal/worker.py``."""

from flask import current_app

from portal.extensions import db
from portal.prequal import services


def expire_lists() -> str:
    """End memberships past their term and remind members whose term ends soon."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        expired, reminded = services.expire_and_remind()
        db.session.commit()
    return f"expired {expired} list memberships, reminded {reminded}"
