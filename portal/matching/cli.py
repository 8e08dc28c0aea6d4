"""``flask matching``: rebuild every profile's stored matches."""

import click
from flask.cli import AppGroup

from portal.actions import commit
from portal.matching import engine, sync

matching_cli = AppGroup("matching", help="Recommended jobs and suggested candidates.")


@matching_cli.command("rebuild")
def rebuild() -> None:
    """Recompute every profile's matches (after changing the weights)."""
    with click.progressbar(length=0, label="profiles") as bar:

        def progress(ids):
            bar.length = len(ids)
            for profile_id in ids:
                yield profile_id
                bar.update(1)

        total = engine.recompute_all(progress)
    commit()
    click.echo(f"{total} matches stored")


@matching_cli.command("sync")
def sync_command() -> None:
    """Recompute the matches of jobs changed since the last pass."""
    click.echo(f"{sync.apply_pending()} job(s) rematched")
