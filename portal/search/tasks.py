"""Periodic work of the search index, run by ``portal/worker.py``."""

from portal.extensions import db
from portal.search import sync


def sync_index() -> str:
    """Apply the outbox to the index, prune applied rows and merge small segments."""
    applied = sync.apply_pending()
    pruned = sync.prune_outbox()
    db.session.commit()
    merged = sync.merge_segments()
    merged_note = ", merged segments" if merged else ""
    return f"applied {applied} outbox rows, pruned {pruned}{merged_note}"
