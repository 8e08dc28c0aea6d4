"""Periodic work of sign-in (passwords and two-step), run by ``portal/worker.py``."""

from portal.auth import services as auth_services
from portal.extensions import db
from portal.twofactor import services


def prune_accounts() -> str:
    removed = auth_services.prune() + services.prune()
    db.session.commit()
    return f"removed {removed} expired records"
