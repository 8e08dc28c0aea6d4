"""Periodic tasks, run in a loop by ``flask portal worker`` (or each one on its own by cron).

Each feature keeps its periodic work in its ``tasks.py``; ``TASKS`` lists them in the order
they run. Every task is idempotent and safe to run on two machines at once.

A pass runs every task, then the worker waits ``WORKER_INTERVAL_SECONDS``; meanwhile it
applies the search outbox every ``SEARCH_SYNC_SECONDS`` (0: only in passes), so a job
published through another node is searchable on this one within about that long. It
writes its heartbeat (``portal.health.heartbeat``) when it starts and after each pass.
"""

import time

import click
from flask import current_app

from portal import mail
from portal.alerts import tasks as alerts
from portal.api import tasks as api
from portal.applications import tasks as applications
from portal.extensions import db
from portal.health.heartbeat import Heartbeat
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


def run_once() -> list[str]:
    """Run every task once; returns the names of those that failed."""
    failed = []
    for name, task in TASKS:
        try:
            click.echo(f"{name}: {task()}")
        except Exception as exc:  # one failing task must not stop the others
            db.session.rollback()
            current_app.logger.exception("task %s failed", name)
            click.echo(f"{name}: failed: {exc}", err=True)
            failed.append(name)
    return failed


def loop(interval: float, once: bool) -> None:
    heartbeat = Heartbeat(once)
    write_heartbeat(heartbeat.start)
    sync_every = current_app.config["SEARCH_SYNC_SECONDS"]
    while True:
        started = time.monotonic()
        failed = run_once()
        write_heartbeat(heartbeat.beat, time.monotonic() - started, failed)
        db.session.remove()
        if once:
            return
        wait_syncing_search(interval, sync_every)


def write_heartbeat(write, *args) -> None:
    try:
        write(*args)
        db.session.commit()
    except Exception:  # the database is away: the tasks say so too; keep working
        db.session.rollback()
        current_app.logger.exception("the worker heartbeat could not be written")


def wait_syncing_search(seconds: float, every: float) -> None:
    """Wait ``seconds``, applying the search outbox every ``every`` seconds meanwhile."""
    deadline = time.monotonic() + seconds
    failing = False
    while (left := deadline - time.monotonic()) > 0:
        if every <= 0 or every >= left:
            time.sleep(left)
            return
        time.sleep(every)
        try:
            sync_index()
        except Exception:  # logged once when it starts failing, not every second
            db.session.rollback()
            if not failing:
                current_app.logger.exception("search sync between passes failed")
            failing = True
        else:
            failing = False
        finally:
            db.session.remove()
