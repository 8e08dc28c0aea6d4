"""How alerts take part in lower features' work: each send attempt of a digest (the
mail outbox's ``attempted`` signal) counts towards pausing its alert, and signing in
tells a person whose alert was paused because their emails failed. Called once from
``create_app``; receivers are module-level functions (blinker holds weak references)."""

from flask import flash
from flask_login import user_logged_in

from portal import mail
from portal.alerts import services


def _attempted(message, ok: bool, **_) -> None:
    services.note_attempt(message, ok)


def _signed_in(_app, user, **_) -> None:
    paused = services.paused_for_failures(user)
    if paused:
        flash(
            f"We paused {len(paused)} of your job alerts: emails to {user.email} failed three "
            "times in a row. Check your address, then resume them on Your alerts.",
            "warning",
        )


def connect() -> None:
    mail.attempted.connect(_attempted)
    user_logged_in.connect(_signed_in)
