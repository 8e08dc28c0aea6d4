"""``flask users ...``: account administration from the command line."""

import click
from flask.cli import AppGroup

from portal import audit
from portal.auth import services
from portal.auth.passwords import guessable_words, weakness
from portal.extensions import db
from portal.models.types import utcnow

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(help="Prompted for (twice) when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (or make an existing account an administrator)."""
    from flask import current_app

    low, high = current_app.config["PASSWORD_MIN_LENGTH"], current_app.config["PASSWORD_MAX_LENGTH"]
    if not low <= len(password) <= high:
        raise click.ClickException(f"The password must have {low} to {high} characters.")
    user = services.find_user(email)
    if user is None:
        reason = weakness(password, guessable_words(name, email))
        if reason:
            raise click.ClickException(reason)
        user = services.create_user(name, email, password, role="admin")
        user.email_confirmed_at = utcnow()
        click.echo(f"Created administrator {user.email}")
    else:
        user.role = "admin"
        user.email_confirmed_at = user.email_confirmed_at or utcnow()
        services.end_sessions(user)  # permissions changed: sign in again
        click.echo(f"{user.email} is now an administrator (the password is unchanged)")
    audit.record("user.role_changed", None, user, detail="admin (command line)")
    db.session.commit()
