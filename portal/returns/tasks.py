"""Periodic work of the workforce returns, run by ``portal/worker.py``."""

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models.lmi import ReportingPeriod
from portal.returns import reminders
from portal.timeutil import today_pacific


def remind() -> str:
    """A round of reminders for each open period that is due one."""
    app = current_app._get_current_object()
    today = today_pacific()
    rounds = emails = 0
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        for period in db.session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.status == "open")
        ).all():
            sent = reminders.send_reminders(period, today)
            db.session.commit()
            if sent is not None:
                rounds, emails = rounds + 1, emails + sent
    return f"reminder rounds: {rounds}, emails: {emails}"
