"""``flask privacy purge``: purge the personal data of deleted accounts, remove old hiring
records, résumé files nothing needs and rows past their retention period."""

import click
from flask.cli import AppGroup

from portal.privacy import purge

privacy_cli = AppGroup("privacy", help="Deleted accounts' data and retention periods.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=purge.ACCOUNTS_PER_RUN,
    show_default=True,
    help="Accounts at most (the rest wait for the next run).",
)
def purge_command(dry_run: bool, limit: int) -> None:
    """Purge deleted accounts past PRIVACY_PURGE_AFTER_DAYS, remove hiring records past
    HIRING_RECORDS_KEEP_DAYS, delete unused résumé files and expired rows."""
    click.echo(str(purge.purge(dry_run=dry_run, limit=limit)))
