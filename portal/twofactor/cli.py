"""``flask users reset-two-step``: the two-step sign-in command, added to the ``users``
group of ``portal.auth.cli`` (two-step sign-in builds on accounts, never the reverse)."""

import click

from portal.auth.cli import users_cli
from portal.auth.services import find_user
from portal.errors import PortalError
from portal.extensions import db
from portal.twofactor import services as two_step


@users_cli.command("reset-two-step")
@click.argument("email")
def reset_two_step(email: str) -> None:
    """Turn off two-step sign-in for someone who lost their phone and recovery codes
    (check who is asking first); they sign in with the password and may set it up again."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    try:
        two_step.reset(user)
    except PortalError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Two-step sign-in is off for {user.email}; their sessions have ended.")
