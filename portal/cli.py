"""Command-line interface: ``flask portal ...`` plus each feature's own group."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal import worker
from portal.alerts.cli import alerts_cli
from portal.auth.cli import users_cli
from portal.backup import backup_command, restore_command
from portal.demo.alerts import seed_alerts
from portal.demo.applications import seed_applications, seed_matching
from portal.demo.lmi import seed_demo_returns
from portal.demo.services import DEMO_PASSWORD, demo_logins, seed_demo, seed_jobs
from portal.extensions import db
from portal.jobs.cli import jobs_cli
from portal.lmi.cli import lmi_cli
from portal.mail import mail_cli
from portal.matching.cli import matching_cli
from portal.privacy.cli import privacy_cli
from portal.reference.services import load_reference
from portal.search import sync_after_commit
from portal.search.cli import search_cli
from portal.twofactor import cli as _twofactor_cli  # noqa: F401  adds users reset-two-step
from portal.webhooks.cli import webhooks_cli

portal_cli = AppGroup("portal", help="Portal set-up and background work.")
portal_cli.add_command(backup_command)
portal_cli.add_command(restore_command)


@portal_cli.command("load-reference")
def load_reference_command() -> None:
    """Load regions, communities, occupations, credentials and subsectors (idempotent)."""
    changed = load_reference()
    db.session.commit()
    for table, count in changed.items():
        click.echo(f"{table}: {count} inserted or updated")


@portal_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Add the demo agencies, staff and seekers (idempotent) and print the demo logins."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "seed-demo is refused in production: its accounts share a published password "
            "(set PORTAL_DEMO_DATA_ALLOWED=true on a demonstration server)"
        )
    created = seed_demo()
    db.session.commit()
    created["jobs"] = seed_jobs()
    created.update(seed_applications())
    created.update(seed_demo_returns())
    created.update(seed_alerts())
    db.session.commit()
    sync_after_commit()
    created.update(seed_matching())  # after the index has the jobs; stores every match
    click.echo(", ".join(f"{k}: {v} created" for k, v in created.items()))
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    logins = demo_logins()
    width = max(len(label) for label, _ in logins)
    for label, email in logins:
        click.echo(f"  {label:{width}}  {email}")
    click.echo(
        "The administrator and the HR champion set up two-step sign-in (any "
        "authenticator app) the first time they manage users or download an extract."
    )


@portal_cli.command("worker")
@click.option("--once", is_flag=True, help="Run every task once and exit.")
@click.option("--interval", type=float, default=None, help="Seconds between passes.")
def worker_command(once: bool, interval: float | None) -> None:
    """Run the periodic tasks (mail, ...) in a loop."""
    from flask import current_app

    worker.loop(interval or current_app.config["WORKER_INTERVAL_SECONDS"], once)


def register(app: Flask) -> None:
    app.cli.add_command(portal_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(lmi_cli)
    app.cli.add_command(matching_cli)
    app.cli.add_command(alerts_cli)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(privacy_cli)
