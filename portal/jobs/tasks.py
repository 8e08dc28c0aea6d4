"""Periodic work of the jobs feature, run by ``portal/worker.py``."""

from portal.extensions import db
from portal.jobs import services


def expire_jobs() -> str:
    count = services.expire_due()
    db.session.commit()
    return f"expired {count}"
