"""Periodic work of the API, run by ``portal/worker.py``: idempotency keys older than 24
hours are deleted (a request with an older key is already treated as new)."""

from portal.api import idempotency
from portal.extensions import db


def prune_idempotency_keys() -> str:
    removed = idempotency.prune()
    db.session.commit()
    return f"removed {removed} idempotency keys older than 24 hours"
