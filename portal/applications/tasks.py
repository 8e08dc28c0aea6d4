"""Periodic work of the applications feature, run by ``portal/worker.py``."""

from flask import current_app

from portal.applications import services
from portal.extensions import db


def digests() -> str:
    """Digests need links, so they are written in a request context."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        sent = services.send_digests()
        db.session.commit()
    return f"sent {sent} digests"
