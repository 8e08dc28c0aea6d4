"""Workforce returns' reporting periods: one per fiscal year, opened, given a due date,
closed and reopened by the champion. Services flush; the caller commits."""

from datetime import date

from sqlalchemy import select

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import User
from portal.models.lmi import ReportingPeriod
from portal.models.types import utcnow


def fiscal_year_of(day: date) -> int:
    """The fiscal year (April–March) a day falls in: March 2026 is in 2025."""
    return day.year if day.month >= 4 else day.year - 1


def newest_first() -> list[ReportingPeriod]:
    return list(
        db.session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.fiscal_year.desc()))
    )


def _check_due(period: ReportingPeriod, due_on: date) -> None:
    if due_on <= period.starts_on:
        raise PortalError(
            f"The due date must be after the fiscal year starts ({period.starts_on:%B %-d, %Y})."
        )


def open_period(fiscal_year: int, due_on: date, by: User) -> ReportingPeriod:
    if (
        db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.fiscal_year == fiscal_year))
        is not None
    ):
        raise PortalError(
            f"The fiscal year {fiscal_year}/{(fiscal_year + 1) % 100:02d} "
            "already has a reporting period."
        )
    period = ReportingPeriod(fiscal_year=fiscal_year, status="open", due_on=due_on)
    _check_due(period, due_on)
    db.session.add(period)
    db.session.flush()
    audit.record("period.opened", by, period, detail=period.label)
    return period


def change_due_date(period: ReportingPeriod, due_on: date, by: User) -> None:
    _check_due(period, due_on)
    if due_on != period.due_on:
        period.due_on = due_on
        period.reminded_on = None  # a new deadline starts a new round of reminders
        audit.record("period.due_changed", by, period, detail=due_on.isoformat())


def close_period(period: ReportingPeriod, by: User) -> None:
    if not period.is_open:
        raise PortalError(f"The period {period.label} is already closed.")
    period.status, period.closed_at = "closed", utcnow()
    audit.record("period.closed", by, period)


def reopen_period(period: ReportingPeriod, by: User) -> None:
    if period.is_open:
        raise PortalError(f"The period {period.label} is already open.")
    period.status, period.closed_at = "open", None
    audit.record("period.reopened", by, period)


def require_open(period: ReportingPeriod) -> None:
    if not period.is_open:
        raise PortalError(
            f"The reporting period {period.label} is closed: its returns are read-only."
        )
