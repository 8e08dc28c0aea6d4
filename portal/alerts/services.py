"""What people do with alerts: save one (confirmation email first), confirm, pause,
resume, change how often, delete or unsubscribe; and bounces. Services flush and raise
PortalError; views commit (portal/actions.py)."""

import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import delete, func, select

from portal import mail
from portal.alerts import tokens
from portal.alerts.describe import describe
from portal.errors import PortalError
from portal.extensions import db
from portal.models import MailBounce, OutboxMessage, SavedSearch, User
from portal.models.alerts import FREQUENCIES
from portal.models.types import utcnow

# how long after a run an alert is due again: instant alerts run every few minutes, so
# a job reaches them within 15 minutes of publication (the worker passes every minute)
PERIODS = {
    "instant": timedelta(minutes=5),
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
}
MAX_ALERTS = 30  # per person (account or address)
CONFIRMATIONS_PER_DAY = 5  # emails asking one address to confirm an alert
CONFIRM_SUBJECT = "Confirm your job alert"
STAR_CHOICES = (3, 4, 5)


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def is_bounced(email: str) -> bool:
    found = db.session.scalar(select(MailBounce.id).where(MailBounce.email == normal_email(email)))
    return found is not None


def recipient(alert: SavedSearch) -> str:
    """Where an alert goes: the account's current address, or the one given."""
    return alert.user.email if alert.user is not None else alert.email


def _owned(user: User | None, email: str):
    if user is not None:
        return SavedSearch.user_id == user.id
    return (SavedSearch.email == email) & SavedSearch.user_id.is_(None)


def create(
    *,
    frequency: str,
    query: str = "",
    email: str | None = None,
    user: User | None = None,
    kind: str = "search",
    min_stars: int | None = None,
) -> SavedSearch:
    """Save an alert and email its confirmation link. The same alert saved again is
    not duplicated: its confirmation is sent again if it is still waiting."""
    if frequency not in FREQUENCIES:
        raise PortalError("Choose how often to get the email.")
    if kind == "matches" and min_stars not in STAR_CHOICES:
        raise PortalError("Choose 3, 4 or 5 stars.")
    email = normal_email(user.email if user is not None else email)
    if not email:
        raise PortalError("Enter your email address.")
    if is_bounced(email):
        raise PortalError(
            "Emails to this address have bounced, so we cannot send alerts to it. "
            "Use another address, or ask the portal's administrator to clear it."
        )
    existing = db.session.scalar(
        select(SavedSearch).where(
            _owned(user, email),
            SavedSearch.kind == kind,
            SavedSearch.query == query,
            SavedSearch.min_stars.is_(None)
            if min_stars is None
            else SavedSearch.min_stars == min_stars,
        )
    )
    if existing is not None:
        if existing.confirmed_at is None:
            _ask_confirmation(existing)
        elif user is not None:
            raise PortalError("You already have this alert: change it on your alerts page.")
        return existing
    count = db.session.scalar(
        select(func.count()).select_from(SavedSearch).where(_owned(user, email))
    )
    if count >= MAX_ALERTS:
        raise PortalError(f"You can keep up to {MAX_ALERTS} alerts. Delete one to add another.")
    alert = SavedSearch(
        user_id=user.id if user is not None else None,
        email=email,
        kind=kind,
        query=query,
        min_stars=min_stars if kind == "matches" else None,
        frequency=frequency,
        nonce=secrets.token_hex(16),
    )
    db.session.add(alert)
    db.session.flush()
    db.session.refresh(alert)  # loads .user for the email
    _ask_confirmation(alert)
    return alert


def _ask_confirmation(alert: SavedSearch) -> None:
    """Email the confirmation link, at most a few times a day per address (a form anyone
    can fill in must not become a way to flood someone's inbox)."""
    day_ago = utcnow() - timedelta(days=1)
    sent = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.recipient == recipient(alert),
            OutboxMessage.subject == CONFIRM_SUBJECT,
            OutboxMessage.created_at > day_ago,
        )
    )
    if sent >= CONFIRMATIONS_PER_DAY:
        return
    link = url_for("alerts.confirm", token=tokens.make(alert, "confirm"), _external=True)
    mail.queue(
        recipient(alert),
        CONFIRM_SUBJECT,
        "alert_confirm",
        link=link,
        description=describe(alert),
        frequency=FREQUENCIES[alert.frequency].lower(),
        days=tokens.CONFIRM_DAYS,
    )


def confirm(alert: SavedSearch) -> SavedSearch:
    """Double opt-in done: the alert runs from now on, with jobs newer than now."""
    if alert.confirmed_at is None:
        now = utcnow()
        alert.confirmed_at = now
        alert.next_run_at = now + PERIODS[alert.frequency]
        db.session.flush()
    return alert


def pause(alert: SavedSearch) -> None:
    if alert.confirmed_at is None:
        raise PortalError("Confirm this alert first, from the link we emailed.")
    alert.paused_reason = "seeker"
    db.session.flush()


def resume(alert: SavedSearch) -> None:
    if alert.confirmed_at is None:
        raise PortalError("Confirm this alert first, from the link we emailed.")
    if is_bounced(recipient(alert)):
        raise PortalError("Emails to your address have bounced: we cannot send alerts to it.")
    alert.paused_reason = None
    alert.failures = 0
    alert.next_run_at = min(alert.next_run_at or utcnow(), utcnow() + PERIODS[alert.frequency])
    db.session.flush()


def set_frequency(alert: SavedSearch, frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise PortalError("Choose how often to get the email.")
    alert.frequency = frequency
    if alert.confirmed_at is not None:
        start = alert.last_run_at or alert.confirmed_at
        alert.next_run_at = max(utcnow(), start + PERIODS[frequency])
    db.session.flush()


def remove(alert: SavedSearch) -> None:
    """Delete an alert (also what unsubscribing does): its links stop working."""
    db.session.delete(alert)
    db.session.flush()


def bounce(email: str, reason: str = "", by: User | None = None) -> int:
    """Stop every alert to an address (a bounce or a complaint); returns how many alerts
    it stops. Nothing is sent to the address until it is cleared."""
    email = normal_email(email)
    if "@" not in email or len(email) > 254:
        raise PortalError("Enter an email address.")
    if not is_bounced(email):
        db.session.add(MailBounce(email=email, reason=reason[:200], created_by_id=by and by.id))
        db.session.flush()
    return len(alerts_to(email))


def clear_bounce(email: str) -> None:
    db.session.execute(delete(MailBounce).where(MailBounce.email == normal_email(email)))
    db.session.flush()


def alerts_to(email: str) -> list[SavedSearch]:
    email = normal_email(email)
    return list(
        db.session.scalars(
            select(SavedSearch)
            .outerjoin(SavedSearch.user)
            .where((SavedSearch.email == email) | (func.lower(User.email) == email))
        )
    )


def bounces() -> list[tuple[MailBounce, int]]:
    """Every bounced address with the number of alerts it stops (as ``alerts_to``), in one
    query."""
    rows = db.session.execute(
        select(MailBounce, func.count(SavedSearch.id))
        .outerjoin(User, func.lower(User.email) == MailBounce.email)
        .outerjoin(
            SavedSearch,
            (SavedSearch.email == MailBounce.email) | (SavedSearch.user_id == User.id),
        )
        .group_by(MailBounce.id)
        .order_by(MailBounce.created_at.desc(), MailBounce.id.desc())
    )
    return [(bounce, stopped) for bounce, stopped in rows]


def note_attempt(message, ok: bool) -> None:
    """A digest's send attempt: three failures in a row pause its alert (the seeker is
    told when they next sign in); a success resets the count."""
    if message.alert_id is None:
        return
    alert = db.session.get(SavedSearch, message.alert_id)
    if alert is None:
        return
    if ok:
        alert.failures = 0
    else:
        alert.failures += 1
        if alert.failures >= 3 and alert.paused_reason is None:
            alert.paused_reason = "failures"
            current_app.logger.warning("alert %s paused after 3 failed sends", alert.id)


def prune_unconfirmed() -> int:
    """Delete alerts nobody confirmed within ``CONFIRM_DAYS``."""
    cutoff = utcnow() - timedelta(days=tokens.CONFIRM_DAYS)
    result = db.session.execute(
        delete(SavedSearch).where(
            SavedSearch.confirmed_at.is_(None), SavedSearch.created_at < cutoff
        )
    )
    return result.rowcount


def for_user(user: User) -> list[SavedSearch]:
    return list(
        db.session.scalars(
            select(SavedSearch)
            .where(SavedSearch.user_id == user.id)
            .order_by(SavedSearch.created_at)
        )
    )


def paused_for_failures(user: User) -> list[SavedSearch]:
    return [a for a in for_user(user) if a.paused_reason == "failures"]


def manage_link(alert: SavedSearch) -> str:
    return url_for("alerts.manage", token=tokens.make(alert, "manage"), _external=True)


def unsubscribe_link(alert: SavedSearch) -> str:
    return url_for("alerts.unsubscribe", token=tokens.make(alert, "unsubscribe"), _external=True)
