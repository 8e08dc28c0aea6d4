"""Saved searches sent as email alerts: each alert's canonical search, how often it runs,
its confirmation (double opt-in), the jobs already sent to it (never twice), and the
addresses that bounced or complained (nothing more is sent to them)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, one_of, utcnow
from portal.models.users import User

FREQUENCIES = {
    "instant": "As soon as they are posted",
    "daily": "Once a day",
    "weekly": "Once a week",
}
ALERT_KINDS = {"search": "Saved search", "matches": "Jobs that match my profile"}
PAUSE_REASONS = {
    "seeker": "Paused by you",
    "failures": "Paused: emails to this address failed three times",
}


class SavedSearch(db.Model):
    """An alert: a search (the ``/jobs`` URL's canonical query string) or the seeker's
    recommended jobs above a star rating, emailed as a digest. Nothing is sent before
    ``confirmed_at``; an unconfirmed alert is deleted after 7 days."""

    __tablename__ = "saved_searches"
    __table_args__ = (
        one_of("frequency", FREQUENCIES),
        one_of("kind", ALERT_KINDS),
        one_of("paused_reason", PAUSE_REASONS, nullable=True),
        Index("ix_saved_searches_due", "next_run_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="search")
    query: Mapped[str] = mapped_column(Text, default="")  # canonical /jobs query string
    min_stars: Mapped[int | None]  # kind "matches"
    frequency: Mapped[str] = mapped_column(String(10), default="daily")
    nonce: Mapped[str] = mapped_column(String(32))  # in the signed links; new = old links die
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(String(10))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: never due
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    jobs_sent: Mapped[int] = mapped_column(default=0)
    digests_sent: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)  # consecutive failed sends

    user: Mapped[User | None] = relationship()


class AlertDelivery(db.Model):
    """A job sent to an alert: unique, so a job is never sent to the same alert twice."""

    __tablename__ = "alert_sent"
    __table_args__ = (UniqueConstraint("alert_id", "job_id", name="uq_alert_sent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_outbox.id", ondelete="SET NULL"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailBounce(db.Model):
    """An address that bounced or complained: no alert is sent to it until an admin
    removes it."""

    __tablename__ = "mail_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
