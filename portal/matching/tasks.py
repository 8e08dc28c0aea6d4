"""Periodic work of matching (run by ``flask portal worker``)."""

from portal.extensions import db
from portal.matching import engine, sync


def sync_matches() -> str:
    """Recompute the matches of jobs changed outside a web request (expiry, the CLI, more
    than a request does inline), then keep each profile's best ``MATCH_KEEP``."""
    jobs = sync.apply_pending()
    trimmed = engine.trim()
    db.session.commit()
    return f"{jobs} job(s) rematched, {trimmed} old match(es) dropped"
