"""Periodic tasks, run in a loop by ``flask portal worker`` (or each one on its own by cron).

Each feature keeps its periodic work in its ``tasks.py``; ``TASKS`` lists them in the order
they run. Every task is idempotent and safe to run on two machines at once.

A pass runs every task, then the worker waits ``WORKER_INTERVAL_SECONDS``. A thread of its
own applies the search outbox every ``SEARCH_SYNC_SECONDS`` (0: only in passes), during
passes too, so a job published through another node is searchable on this one within
about that long. It
writes its heartbeat (``portal.health.heartbeat``) when it starts and after each pass.
"""

import threading
import time

import click
from flask import Flask, current_app

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

_search_lock = threading.Lock()  # the pass and the sync thread take turns


def sync_search() -> str:
    """The "search" task: one thread of this process at a time applies the outbox."""
    with _search_lock:
        return sync_index()


TASKS = [
    ("digests", applications.digests),
    ("lists", prequal.expire_lists),
    ("return-reminders", returns.remind),
    ("expire-jobs", jobs.expire_jobs),
    ("search", sync_search),  # also every SEARCH_SYNC_SECONDS in a thread (loop)
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


def loop(interval: float, once: bool, stop: threading.Event | None = None) -> None:
    """Run a pass every ``interval`` seconds (one pass with ``once``) until ``stop`` is set;
    meanwhile a thread applies the search outbox every ``SEARCH_SYNC_SECONDS``, also
    while a long pass runs."""
    stop = stop or threading.Event()
    heartbeat = Heartbeat(once)
    write_heartbeat(heartbeat.start)
    every = current_app.config["SEARCH_SYNC_SECONDS"]
    follower = None
    if not once and every > 0:
        app = current_app._get_current_object()
        follower = threading.Thread(
            target=follow_search, args=(app, every, stop), name="search-sync", daemon=True
        )
        follower.start()
    try:
        while True:
            started = time.monotonic()
            failed = run_once()
            write_heartbeat(heartbeat.beat, time.monotonic() - started, failed)
            db.session.remove()
            if once or stop.wait(interval):
                return
    finally:
        stop.set()
        if follower is not None:
            follower.join(timeout=60)


def write_heartbeat(write, *args) -> None:
    try:
        write(*args)
        db.session.commit()
    except Exception:  # the database is away: the tasks say so too; keep working
        db.session.rollback()
        current_app.logger.exception("the worker heartbeat could not be written")


def follow_search(app: Flask, every: float, stop: threading.Event) -> None:
    """The search-sync thread: apply the outbox every ``every`` seconds until ``stop``."""
    failing = False
    while not stop.wait(every):
        with app.app_context():
            try:
                sync_search()
            except Exception:  # logged once when it starts failing, not every second
                db.session.rollback()
                if not failing:
                    app.logger.exception("search sync between passes failed")
                failing = True
            else:
                failing = False
            finally:
                db.session.remove()
