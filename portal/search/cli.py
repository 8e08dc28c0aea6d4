"""``flask search ...``: sync, rebuild and check the job index."""

import os

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.search import directories, index, sync
from portal.search.documents import searchable_query
from portal.search.recovery import rebuild  # also used by the benchmarks

__all__ = ["rebuild", "search_cli"]

search_cli = AppGroup("search", help="The job search index.")


@search_cli.command("sync")
def sync_command() -> None:
    """Apply pending outbox rows to this node's index."""
    click.echo(f"applied {sync.apply_pending()} outbox rows")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from the database and swap it in atomically."""
    root = index.root_dir()
    os.makedirs(root, exist_ok=True)
    lock = directories.rebuild_lock(root)
    if not lock.acquire(timeout=0):
        click.echo("another rebuild of this index is running: waiting for it to end")
        lock.acquire()
    try:
        count = rebuild()
    finally:
        lock.release()
    click.echo(f"indexed {count} published jobs into {index.current_dir()}")


def drift() -> tuple[set[int], set[int], set[int]]:
    """(jobs missing from the index, documents that should not be there, documents of an
    older version of their job)."""
    expected = dict(
        db.session.execute(
            searchable_query().with_only_columns(db.text("jobs.id"), db.text("jobs.version_id"))
        ).all()
    )
    view = index.pool().current()
    indexed = {view.facets[d].job_id: view.facets[d].version for d in view.live}
    stale = {
        job_id
        for job_id, version in indexed.items()
        if job_id in expected and version != expected[job_id]
    }
    return set(expected) - set(indexed), set(indexed) - set(expected), stale


@search_cli.command("check")
def check_command() -> None:
    """Compare the index with the database; exit 1 and list the drift if they differ."""
    missing, extra, stale = drift()
    if not missing and not extra and not stale:
        click.echo("index matches the database")
        return
    if missing:
        click.echo(
            f"missing from the index ({len(missing)}): " + ", ".join(map(str, sorted(missing)[:50]))
        )
    if extra:
        click.echo(
            f"in the index but not searchable ({len(extra)}): "
            + ", ".join(map(str, sorted(extra)[:50]))
        )
    if stale:
        click.echo(
            f"indexed from an older version ({len(stale)}): "
            + ", ".join(map(str, sorted(stale)[:50]))
        )
    raise SystemExit(1)
