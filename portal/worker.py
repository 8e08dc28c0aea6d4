"""Periodic tasks, run in a loop by ``flask portal worker`` (or each one on its own by cron).

Every task is idempotent and safe to run on two machines at once. Later capabilities
append their tasks to ``TASKS``.
"""

import time

import click
from flask import current_app

from portal import mail
from portal.applications import services as application_services
from portal.auth import services as auth_services
from portal.extensions import db
from portal.jobs import services as job_services
from portal.prequal import services as prequal_services
from portal.returns import reminders as return_reminders
from portal.search import sync as search_sync
from portal.twofactor import services as two_step_services


def send_mail() -> str:
    sent, failed = mail.send_pending()
    return f"sent {sent}, failed {failed}"


def prune_accounts() -> str:
    removed = auth_services.prune() + two_step_services.prune()
    db.session.commit()
    return f"removed {removed} expired records"


def expire_jobs() -> str:
    count = job_services.expire_due()
    db.session.commit()
    return f"expired {count}"


def sync_search() -> str:
    applied = search_sync.apply_pending()
    pruned = search_sync.prune_outbox()
    db.session.commit()
    merged = search_sync.merge_segments()
    merged_note = ", merged segments" if merged else ""
    return f"applied {applied} outbox rows, pruned {pruned}{merged_note}"


TASKS = [
    ("digests", application_services.send_digests_task),
    ("lists", prequal_services.expire_task),
    ("return-reminders", return_reminders.remind_task),
    ("mail", send_mail),
    ("expire-jobs", expire_jobs),
    ("search", sync_search),
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
