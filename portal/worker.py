"""Periodic tasks, run in a loop by ``flask portal worker`` (or each one on its own by cron).

Each feature keeps its periodic work in its ``tasks.py``; ``TASKS`` lists them in the order
they run. Every task is idempotent and safe to run on two machines at once.
"""

import time

import click
from flask import current_app

from portal import mail
from portal.alerts import tasks as alerts
from portal.api import tasks as api
from portal.applications import tasks as applications
from portal.extensions import db
from portal.jobs import tasks as jobs
from portal.matching import tasks as matching
from portal.prequal import tasks as prequal
from portal.privacy import tasks as privacy
from portal.returns import tasks as returns
from portal.search import sync_index
from portal.twofactor import tasks as twofactor
from portal.webhooks import tasks as webhooks

TASKS = [
    ("digests", applications.digests),
    ("lists", prequal.expire_lists),
    ("return-reminders", returns.remind),
    ("expire-jobs", jobs.expire_jobs),
    ("search", sync_index),
    ("matches", matching.sync_matches),
    ("alerts", alerts.run_alerts),  # after search: new jobs are in the index
    ("alert-prune", alerts.prune_unconfirmed),
    ("webhooks", webhooks.send_task),  # after every task that queues deliveries (expiry)
    ("mail", mail.send_task),  # after every task that queues mail: sent the same round
    ("prune", twofactor.prune_accounts),
    ("api-keys", api.prune_idempotency_keys),
    ("privacy", privacy.purge_task),  # hourly: purges deleted accounts, old rows and files
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
