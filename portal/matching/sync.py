"""Following job changes: a consumer of the search outbox (the same rows that keep the
index in step) with its own high-water mark in ``search_nodes`` under the name
``matching``. ``match_scores`` is shared by every node, so one row-locked mark is shared
too: two processes never recompute the same rows at once (PostgreSQL ``FOR UPDATE``;
SQLite writes one at a time anyway). Like the index, it re-reads a trailing window of
recent rows, because on PostgreSQL a lower id can become visible after a higher one."""

from datetime import timedelta

from sqlalchemy import or_, select

from portal.extensions import db
from portal.matching import engine
from portal.models import SearchNode, SearchOutbox
from portal.models.types import utcnow

NODE = "matching"
TRAILING_WINDOW = timedelta(minutes=5)
_done: set[int] = set()  # outbox ids this process recomputed (the window is not redone)


def _mark() -> SearchNode:
    query = select(SearchNode).where(SearchNode.name == NODE).with_for_update()
    node = db.session.scalar(query)
    if node is None:
        db.session.add(SearchNode(name=NODE, high_water=0))
        db.session.flush()
        node = db.session.scalar(query)
    return node


def apply_pending(limit: int | None = None) -> int:
    """Recompute the matches of jobs changed since the last pass (at most ``limit`` jobs,
    oldest change first: the rest wait for the next pass); commits. Returns the number of
    jobs recomputed."""
    node = _mark()
    rows = db.session.execute(
        select(SearchOutbox.id, SearchOutbox.job_id)
        .where(
            or_(
                SearchOutbox.id > node.high_water,
                SearchOutbox.created_at > utcnow() - TRAILING_WINDOW,
            )
        )
        .order_by(SearchOutbox.id)
    ).all()
    # _done only skips the trailing window's re-reads: a row above the mark is new here
    # (another database may have given its id to a row this process already did)
    rows = [(r, j) for r, j in rows if r > node.high_water or r not in _done]
    if limit is not None:
        rows = _first_jobs(rows, limit)
    job_ids = list(dict.fromkeys(job_id for _, job_id in rows))
    for job_id in job_ids:
        engine.recompute_job(job_id)
    if rows:
        node.high_water = max(node.high_water, max(row_id for row_id, _ in rows))
        node.updated_at = utcnow()
    db.session.commit()
    _done.update(row_id for row_id, _ in rows)
    if len(_done) > 100_000:
        _done.clear()
    return len(job_ids)


def _first_jobs(rows: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The rows (in id order) up to the last one of the first ``limit`` jobs: the mark
    then stops before every row left out."""
    jobs: set[int] = set()
    for position, (_, job_id) in enumerate(rows):
        if job_id not in jobs and len(jobs) == limit:
            return rows[:position]
        jobs.add(job_id)
    return rows
