"""The mail outbox: messages are queued in the request's transaction, sent by the worker."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)  # extra headers, e.g. List-Unsubscribe
    # an alert's digest: its send failures count against the alert (portal.alerts.hooks)
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="SET NULL"), index=True
    )
    # after a failed attempt: not tried again before this time (back-off, portal.mail)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # committed just before the SMTP DATA command: if the sender dies after it, the relay
    # may have the message, so it is never sent again automatically ("in doubt")
    data_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkerHeartbeat(db.Model):
    """One row per running worker process (``flask portal worker``), written each pass;
    ``/healthz`` and the admin home page read it."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(150), primary_key=True)  # node:pid
    node: Mapped[str] = mapped_column(String(100), index=True)
    pid: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    pass_seconds: Mapped[float | None] = mapped_column()  # how long the last pass took
    failed_tasks: Mapped[list | None] = mapped_column(JSON)  # names of tasks that failed
