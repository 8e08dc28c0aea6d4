"""Periodic work of matching (run by ``flask portal worker``)."""

from portal.matching import sync


def sync_matches() -> str:
    """Recompute the matches of jobs changed outside a web request (expiry, the CLI)."""
    return f"{sync.apply_pending()} job(s) rematched"
