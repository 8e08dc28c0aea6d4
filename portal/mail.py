"""Outbound email: messages go into the ``mail_outbox`` table in the caller's transaction
and are sent later by ``flask mail send`` (also a task of ``flask portal worker``).

Sending is safe on several machines at once: each message is claimed with a conditional
UPDATE before it is sent, so only one sender gets it.
"""

import logging
import smtplib
import uuid
from datetime import timedelta
from email.message import EmailMessage

import click
from blinker import Namespace
from flask import current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import or_, select, update

from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.types import utcnow

log = logging.getLogger("portal.mail")

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5

_signals = Namespace()
# after each attempt to send a message, in its transaction: sender is the OutboxMessage,
# ``ok`` says whether the SMTP server took it (alerts count their failures with it)
attempted = _signals.signal("mail-attempted")


def queue(
    recipient: str,
    subject: str,
    template: str,
    *,
    headers: dict | None = None,
    alert_id: int | None = None,
    **context,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` (and ``.html``) and add it to the outbox,
    with extra ``headers`` if given (e.g. ``List-Unsubscribe``)."""
    context.setdefault("subject", subject)
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", **context),
        headers=headers or None,
        alert_id=alert_id,
    )
    db.session.add(message)
    db.session.flush()
    if current_app.config["MAIL_LOG_MESSAGES"]:
        log.warning("Email to %s: %s\n%s", recipient, subject, message.body_text)
    return message


def _claim(message_id: int, worker: str) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
        )
        .values(claimed_by=worker, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _smtp_send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}-{uuid.uuid4().hex[:8]}@sectorjobs>"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def send_pending() -> tuple[int, int]:
    """Send queued messages; returns (sent, failed). Without MAIL_SERVER, messages are
    marked sent (they were written to the log when queued)."""
    worker = uuid.uuid4().hex
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(current_app.config["MAIL_BATCH_SIZE"])
    ).all()
    sent = failed = 0
    for message_id in ids:
        if not _claim(message_id, worker):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            if current_app.config["MAIL_SERVER"]:
                _smtp_send(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = str(exc)[:1000]
            message.claimed_at = None
            failed += 1
            attempted.send(message, ok=False)
        else:
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
            attempted.send(message, ok=True)
        db.session.commit()
    return sent, failed


def send_task() -> str:
    """The worker's task: send what is waiting in the outbox."""
    sent, failed = send_pending()
    return f"sent {sent}, failed {failed}"


mail_cli = AppGroup("mail", help="Outbound email.")


@mail_cli.command("send")
def send_command() -> None:
    """Send the messages waiting in the outbox."""
    sent, failed = send_pending()
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise SystemExit(1)
