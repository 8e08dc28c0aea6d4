"""``flask search ...``: sync, rebuild and check the job index."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.extensions import db
from portal.search import index, sync
from portal.search.documents import document, searchable_query

search_cli = AppGroup("search", help="The job search index.")

BATCH = 500


@search_cli.command("sync")
def sync_command() -> None:
    """Apply pending outbox rows to this node's index."""
    click.echo(f"applied {sync.apply_pending()} outbox rows")


def rebuild(progress: bool = True) -> int:
    """Build a fresh index from the database in a new directory and swap it in."""
    start_mark = sync.outbox_max_id()
    visible = {i for i in sync.visible_window_ids() if i <= start_mark}
    path = index.new_index_dir(index.root_dir())
    ix = index.open_index(path)
    # two processes analyse documents in parallel, each writing its own segment
    writer = ix.writer(procs=2, limitmb=256, multisegment=True)
    total = db.session.scalar(select(db.func.count()).select_from(searchable_query().subquery()))
    count = 0
    query = searchable_query().order_by(None).execution_options(yield_per=BATCH)
    with click.progressbar(
        length=total, label="Indexing jobs", show_pos=True, hidden=not progress
    ) as bar:
        for job in db.session.scalars(query):
            writer.add_document(**document(job))
            count += 1
            bar.update(1)
    writer.commit()
    index.swap_in(path)
    # changes made while building were applied to the old index: apply them again
    sync.set_high_water(start_mark, visible)
    db.session.commit()
    sync.apply_pending()
    return count


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from the database and swap it in atomically."""
    count = rebuild()
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
