"""``flask webhooks ...``."""

import click
from flask.cli import AppGroup

from portal.webhooks import tasks

webhooks_cli = AppGroup("webhooks", help="Webhook deliveries to agencies' systems.")


@webhooks_cli.command("send")
def send_command() -> None:
    """Send the webhook deliveries that are due (the worker does it too)."""
    click.echo(f"tried {tasks.send_due()} deliveries")
