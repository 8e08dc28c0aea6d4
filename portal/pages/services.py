"""Figures shown on the home page and the dashboards; the periods of the privacy notice."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import case, func, select

from portal.alerts import tokens as alert_tokens
from portal.auth.sessions import duration
from portal.extensions import db
from portal.models import Agency, Region, User
from portal.privacy import tasks as privacy_tasks


def public_counts() -> dict:
    return {
        "agencies": db.session.scalar(
            select(func.count(Agency.id)).where(Agency.status == "approved")
        ),
        "regions": db.session.scalar(select(func.count(Region.id))),
        "seekers": db.session.scalar(select(func.count(User.id)).where(User.role == "seeker")),
    }


def agencies_by_region() -> list[dict]:
    """Approved agencies per region, split CSSEA member / non-member and union / non-union."""
    rows = db.session.execute(
        select(
            Region.name,
            func.count(Agency.id),
            func.sum(case((Agency.cssea_member, 1), else_=0)),
            func.sum(case((Agency.unionized, 1), else_=0)),
        )
        .select_from(Region)
        .outerjoin(Agency, (Agency.region_id == Region.id) & (Agency.status == "approved"))
        .group_by(Region.name)
        .order_by(Region.name)
    )
    return [
        {
            "region": name,
            "agencies": total,
            "members": members or 0,
            "non_members": total - (members or 0),
            "unionized": union or 0,
            "non_union": total - (union or 0),
        }
        for name, total, members, union in rows
    ]


# --- the privacy notice ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """How long something is kept, as the privacy notice says it, and where it is set."""

    setting: str  # a configuration setting, or the constant it comes from
    text: str  # "30 days", "15 minutes"


def _days(setting: str) -> Period:
    return Period(setting, duration(int(current_app.config[setting]) * 86400))


def _minutes(setting: str) -> Period:
    return Period(setting, duration(int(current_app.config[setting]) * 60))


def privacy_periods() -> dict[str, Period]:
    """Every period the privacy notice states, read from the configuration (and the few
    constants that are not settings) when the page is shown: the page says nothing else."""
    config = current_app.config
    return {
        "purge": _days("PRIVACY_PURGE_AFTER_DAYS"),
        "hiring_records": _days("HIRING_RECORDS_KEEP_DAYS"),
        "audit_log": _days("AUDIT_LOG_KEEP_DAYS"),
        "sent_mail": _days("SENT_MAIL_KEEP_DAYS"),
        "webhook_deliveries": _days("WEBHOOK_DELIVERIES_KEEP_DAYS"),
        "unconfirmed_alerts": Period(
            "portal.alerts.tokens.CONFIRM_DAYS", duration(alert_tokens.CONFIRM_DAYS * 86400)
        ),
        "failed_sign_ins": Period(
            "LOGIN_THROTTLE_WINDOW",
            duration(int(config["LOGIN_THROTTLE_WINDOW"].total_seconds())),
        ),
        "seeker_idle": _minutes("SESSION_IDLE_MINUTES_SEEKER"),
        "seeker_session": _days("SESSION_REMEMBER_DAYS"),
        "staff_idle": _minutes("SESSION_IDLE_MINUTES_STAFF"),
        "staff_session": Period(
            "SESSION_MAX_HOURS_STAFF", duration(int(config["SESSION_MAX_HOURS_STAFF"]) * 3600)
        ),
        "purge_runs": Period(
            "portal.privacy.tasks.EVERY", duration(int(privacy_tasks.EVERY.total_seconds()))
        ),
    }
