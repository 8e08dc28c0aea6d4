"""Keeping the index in step with the database through the ``search_outbox`` table.

Every change to a job adds an outbox row in the same transaction (``enqueue``). A consumer
pass (``apply_pending``) reads the rows after this node's high-water mark plus a trailing
window of recent rows — on PostgreSQL a slow transaction can make a lower id visible after
a higher one was read — and applies each job's *current* state: upsert if searchable,
delete otherwise. Applying is idempotent, so re-reading rows is harmless.
"""

import os
import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select
from whoosh.writing import LockError

from portal.extensions import db
from portal.models import SearchNode, SearchOutbox
from portal.models.types import utcnow
from portal.search import directories, index, signals
from portal.search.documents import document, load_searchable

TRAILING_WINDOW = timedelta(minutes=5)
WRITER_TIMEOUT = 15.0
KEEP_OUTBOX = timedelta(days=2)
ENQUEUED = "search_enqueued"  # key in the session's info: outbox rows added since the last sync

# outbox ids this process applied recently, so the trailing window is not re-applied
_recently_applied: dict[str, set[int]] = {}


def node_name() -> str:
    return current_app.config["SEARCH_NODE"] or socket.gethostname()


def enqueue(job_ids) -> None:
    """Note in the current transaction that these jobs' searchable state may have changed."""
    for job_id in set(job_ids):
        db.session.add(SearchOutbox(job_id=job_id))
    db.session.info[ENQUEUED] = True


def pending_changes() -> bool:
    """Whether this session has enqueued job changes it has not committed (and synced)."""
    return bool(db.session.info.get(ENQUEUED))


def _node() -> SearchNode:
    name = node_name()
    node = db.session.get(SearchNode, name)
    if node is None:
        node = SearchNode(name=name, high_water=0)
        db.session.add(node)
        db.session.flush()
    return node


def apply_jobs(writer, job_ids: list[int]) -> None:
    searchable = load_searchable(job_ids)
    # the old documents are found with this process's open segment readers (Whoosh's
    # update_document opens every segment's files again for each document)
    searcher = index.pool().writer_searcher(writer)
    for job_id in job_ids:
        writer.delete_by_term("job_id", str(job_id), searcher=searcher)
        job = searchable.get(job_id)
        if job is not None:
            writer.add_document(**document(job))


def apply_pending(merge: bool = True) -> int:
    """One consumer pass for this node; returns the number of outbox rows applied.

    ``merge=False`` (used inside web requests) skips merging segments, which can take
    a while; the worker's passes merge the small segments that pile up."""
    path = index.current_dir()  # a lost index is dealt with first, before reading the node
    node = _node()
    seen = _seen(path, node.name)
    record = directories.build_record(path) if directories.unadopted(path) else None
    adopting = record is not None and not record[2]
    if adopting:  # a rebuild swapped this directory in: apply what changed since it began
        node.high_water = record[0]
    since = utcnow() - TRAILING_WINDOW
    rows = db.session.execute(
        select(SearchOutbox.id, SearchOutbox.job_id)
        .where(or_(SearchOutbox.id > node.high_water, SearchOutbox.created_at > since))
        .order_by(SearchOutbox.id)
    ).all()
    rows = [(row_id, job_id) for row_id, job_id in rows if row_id not in seen]
    if not rows:
        db.session.commit()
        if adopting:
            directories.adopted(path)
        return 0
    job_ids = list(dict.fromkeys(job_id for _, job_id in rows))
    ix = index.open_index(path)
    writer = ix.writer(timeout=WRITER_TIMEOUT)
    try:
        apply_jobs(writer, job_ids)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=merge)
    top = max(row_id for row_id, _ in rows)
    node.high_water = max(node.high_water, top)
    node.updated_at = utcnow()
    db.session.commit()
    if adopting:
        directories.adopted(path)
    seen.update(row_id for row_id, _ in rows)
    if len(seen) > 100_000:
        seen.clear()
    return len(rows)


def sync_after_commit() -> None:
    """Called after a commit (``portal.actions.commit`` in requests): make the change
    searchable before returning; nothing to do when this session enqueued nothing.

    If another process holds the writer lock for too long, the worker catches up later.
    """
    if not db.session.info.pop(ENQUEUED, False):
        return
    try:
        apply_pending(merge=False)
    except LockError:
        db.session.rollback()
        current_app.logger.warning("search index busy; the worker will apply the change")
    signals.jobs_committed.send()


def prune_outbox() -> int:
    result = db.session.execute(
        delete(SearchOutbox).where(SearchOutbox.created_at < utcnow() - KEEP_OUTBOX)
    )
    return result.rowcount


def outbox_max_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(SearchOutbox.id), 0)))


def visible_window_ids() -> set[int]:
    """Outbox ids in the trailing window that this transaction can see now."""
    return set(
        db.session.scalars(
            select(SearchOutbox.id).where(SearchOutbox.created_at > utcnow() - TRAILING_WINDOW)
        )
    )


def _seen(path: str, node: str) -> set[int]:
    """The outbox ids this process applied to the index in ``path`` lately: at first, the
    window ids its rebuild already had. Kept per directory: after a swap, rows applied to
    the old index are applied again."""
    key = f"{path}|{node}"
    seen = _recently_applied.get(key)
    if seen is None:
        record = directories.build_record(path)
        if len(_recently_applied) > 16:
            _recently_applied.clear()
        seen = _recently_applied[key] = set(record[1]) if record else set()
    return seen


def set_high_water(value: int, already_applied: set[int] | None = None) -> None:
    """Rows up to ``value`` (and ``already_applied``, window rows) are in the live index;
    anything else will be applied."""
    node = _node()
    node.high_water = value
    _recently_applied[f"{index.current_dir()}|{node.name}"] = set(already_applied or ())


def process_label() -> str:
    return f"{node_name()}:{os.getpid()}"


MAX_SEGMENTS = 8


def merge_segments() -> bool:
    """Merge the small segments that web requests left (they commit without merging)."""
    ix = index.open_index()
    if len(ix._segments()) <= MAX_SEGMENTS:
        return False
    writer = ix.writer(timeout=WRITER_TIMEOUT)
    writer.commit(merge=True)
    return True
