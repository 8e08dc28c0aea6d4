"""The alerts' periodic work (``portal.worker``): run due alerts, delete unconfirmed ones."""

from flask import current_app

from portal.actions import commit
from portal.alerts import runner, services


def run_alerts() -> str:
    summary = runner.run(current_app.config["ALERTS_PER_RUN"])
    return str(summary)


def prune_unconfirmed() -> str:
    deleted = services.prune_unconfirmed()
    commit()
    return f"{deleted} unconfirmed alert(s) deleted"
