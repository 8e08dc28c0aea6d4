"""Periodic work of the search index, run by ``portal/worker.py``."""

from portal.extensions import db
from portal.search import recovery, sync


def sync_index() -> str:
    """Rebuild a lost index and remove left-over index directories, apply the outbox to
    the index, prune applied rows and merge small segments."""
    recovered = recovery.worker_pass()
    applied = sync.apply_pending()
    pruned = sync.prune_outbox()
    db.session.commit()
    merged = sync.merge_segments()
    merged_note = ", merged segments" if merged else ""
    recovered_note = f"{recovered}, " if recovered else ""
    return f"{recovered_note}applied {applied} outbox rows, pruned {pruned}{merged_note}"
