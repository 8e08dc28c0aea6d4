"""Periodic tasks, run in a loop by ``flask portal worker`` (or each one on its own by cron).

Every task is idempotent and safe to run on two machines at once. Later capabilities
append their tasks to ``TASKS``.
"""

import time

import click
from flask import current_app

from portal import mail
from portal.auth import services as auth_services
from portal.extensions import db


def send_mail() -> str:
    sent, failed = mail.send_pending()
    return f"sent {sent}, failed {failed}"


def prune_accounts() -> str:
    removed = auth_services.prune()
    db.session.commit()
    return f"removed {removed} expired records"


TASKS = [
    ("mail", send_mail),
    ("prune", prune_accounts),
]


def run_once() -> None:
    for name, task in TASKS:
        try:
            click.echo(f"{name}: {task()}")
        except Exception as exc:  # one failing task must not stop the others
            db.session.rollback()
            current_app.logger.exception("task %s failed", name)
            click.echo(f"{name}: failed: {exc}", err=True)


def loop(interval: float, once: bool) -> None:
    while True:
        run_once()
        db.session.remove()
        if once:
            return
        time.sleep(interval)
