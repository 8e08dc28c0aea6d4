"""``flask jobs ...``."""

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.jobs import services
from portal.search import sync_after_commit

jobs_cli = AppGroup("jobs", help="Job postings.")


@jobs_cli.command("expire")
def expire_command() -> None:
    """Expire published jobs whose closing date has passed."""
    count = services.expire_due()
    db.session.commit()
    sync_after_commit()
    click.echo(f"expired {count} jobs")
