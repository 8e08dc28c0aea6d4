"""``flask alerts``: run the due alerts, stop alerts to an address that bounced."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.actions import commit
from portal.alerts import runner, services, tasks
from portal.errors import PortalError

alerts_cli = AppGroup("alerts", help="Saved searches sent as email alerts.")


@alerts_cli.command("run")
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=None,
    help="Alerts at most (default: ALERTS_PER_RUN).",
)
def run_command(limit: int | None) -> None:
    """Queue a digest of new jobs for each due alert (the mail outbox sends them)."""
    limit = limit or current_app.config["ALERTS_PER_RUN"]
    due = len(runner.due_ids(limit))
    with tasks.site_context(), click.progressbar(length=due, label="alerts") as bar:
        summary = runner.run(limit, on_alert=lambda: bar.update(1))
    click.echo(str(summary))


@alerts_cli.command("bounce")
@click.argument("email")
@click.option("--reason", default="bounced", help="Why (kept with the address).")
def bounce_command(email: str, reason: str) -> None:
    """Stop every alert to EMAIL (a bounce or a complaint) until it is cleared."""
    try:
        stopped = services.bounce(email, reason)
    except PortalError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"{services.normal_email(email)}: no more alerts ({stopped} alert(s) stopped)")


@alerts_cli.command("clear-bounce")
@click.argument("email")
def clear_bounce_command(email: str) -> None:
    """Allow alerts to EMAIL again."""
    services.clear_bounce(email)
    commit()
    click.echo(f"{services.normal_email(email)}: alerts allowed again")
