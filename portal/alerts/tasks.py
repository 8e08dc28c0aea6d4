"""The alerts' periodic work (``portal.worker``): run due alerts, delete unconfirmed ones."""

from flask import current_app

from portal.actions import commit
from portal.alerts import runner, services


def site_context():
    """A request context on the site's public address (``BASE_URL``): the digests' links
    and ``List-Unsubscribe`` header are built outside any request."""
    app = current_app._get_current_object()
    return app.test_request_context(base_url=app.config["BASE_URL"])


def run_alerts() -> str:
    with site_context():
        summary = runner.run(current_app.config["ALERTS_PER_RUN"])
    return str(summary)


def prune_unconfirmed() -> str:
    deleted = services.prune_unconfirmed()
    commit()
    return f"{deleted} unconfirmed alert(s) deleted"
