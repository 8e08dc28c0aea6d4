"""Reminders to agencies that have not submitted their workforce return: from 30 days
before the due date (and while overdue) at most one round every 7 days, by the worker, or
at once from the champion's "Send reminders now" button. Services flush; the caller
commits."""

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import or_, update

from portal import mail
from portal.errors import PortalError
from portal.extensions import db
from portal.models.lmi import ReportingPeriod
from portal.returns.reviewing import not_submitted, owners
from portal.timeutil import today_pacific

REMIND_BEFORE = timedelta(days=30)
REMIND_EVERY = timedelta(days=7)


def reminder_due(period: ReportingPeriod, today: date) -> bool:
    return (
        period.is_open
        and today >= period.due_on - REMIND_BEFORE
        and (period.reminded_on is None or today - period.reminded_on >= REMIND_EVERY)
    )


def send_reminders(
    period: ReportingPeriod, today: date | None = None, force: bool = False
) -> int | None:
    """One round of reminders to the owners of approved agencies that have not submitted.
    Without ``force`` only when due (30 days before the due date or later, at most every
    7 days); the round is claimed with a conditional UPDATE so two workers never both send
    it. Returns the number of emails, or None when no round was due."""
    today = today or today_pacific()
    if not period.is_open:
        raise PortalError(f"The period {period.label} is closed.")
    claim = update(ReportingPeriod).where(ReportingPeriod.id == period.id)
    if not force:
        if not reminder_due(period, today):
            return None
        claim = claim.where(
            or_(
                ReportingPeriod.reminded_on.is_(None),
                ReportingPeriod.reminded_on <= today - REMIND_EVERY,
            )
        )
    if db.session.execute(claim.values(reminded_on=today)).rowcount != 1:
        return None
    db.session.refresh(period)
    link = url_for("returns.agency_index", _external=True)
    sent = 0
    for agency in not_submitted(period):
        for owner in owners(agency.id):
            mail.queue(
                owner.email,
                f"Workforce return {period.label} due {period.due_on:%B %-d}",
                "return_reminder",
                user=owner,
                agency=agency,
                period=period,
                overdue=today > period.due_on,
                link=link,
            )
            sent += 1
    return sent
