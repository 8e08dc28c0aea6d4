"""Outbound email: messages go into the ``mail_outbox`` table in the caller's transaction
and are sent later by ``flask mail send`` (also a task of ``flask portal worker``).

Sending is safe on several machines at once: each message is claimed with a conditional
UPDATE before it is sent, so only one sender gets it.

Retries: a temporary failure (no connection, a 4xx reply) schedules the next attempt
``MAIL_RETRY_BASE_SECONDS · 2^(attempts-1)`` later (±10 %, at most
``MAIL_RETRY_MAX_SECONDS``); a refusal of the message (a 5xx reply to RCPT or DATA) and the
``MAX_ATTEMPTS``-th failure give it up.

At most once: the sender commits ``data_started_at`` just before the SMTP DATA command.
A sender that dies before that commit leaves a claim that expires and the message is sent
by a later run (the relay never had it); once DATA has started, the relay may have the
message, so it is "in doubt" and never sent again automatically — an admin checks the
relay's log and runs ``flask mail release ID`` if it did not go out.
"""

import logging
import smtplib
import uuid
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from secrets import SystemRandom

import click
from blinker import Namespace
from flask import current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import and_, case, func, or_, select, update

from portal import audit
from portal.extensions import db
from portal.models import MailBounce, OutboxMessage
from portal.models.types import utcnow

log = logging.getLogger("portal.mail")

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 10  # with the default back-off: retried for about 4 hours
LISTED = 50  # ids shown per kind by `flask mail status`

_signals = Namespace()
# after each attempt to send a message, in its transaction: sender is the OutboxMessage,
# ``ok`` says whether the SMTP server took it (alerts count their failures with it). Not
# sent for a message in doubt (nobody knows whether the server took it).
attempted = _signals.signal("mail-attempted")

_random = SystemRandom()

# the states of an unsent message (``sent_at`` is NULL); each unsent message is in one
_UNSENT = OutboxMessage.sent_at.is_(None)
IN_DOUBT = and_(_UNSENT, OutboxMessage.data_started_at.is_not(None))
GIVEN_UP = and_(
    _UNSENT, OutboxMessage.data_started_at.is_(None), OutboxMessage.attempts >= MAX_ATTEMPTS
)
WAITING = and_(
    _UNSENT, OutboxMessage.data_started_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS
)


def queue_stats() -> dict:
    """The outbox at a glance (``/healthz``, the admin page, ``flask mail status``):
    ``waiting`` (unsent, neither given up nor in doubt; includes those whose retry is
    scheduled), ``oldest_waiting_seconds`` (age of the oldest waiting one, None if none),
    ``retry_scheduled`` (waiting until their ``next_attempt_at``), ``given_up`` and
    ``in_doubt``."""
    now = utcnow()

    def counted(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    waiting, retry, given_up, in_doubt = db.session.execute(
        select(
            counted(WAITING),
            counted(and_(WAITING, OutboxMessage.next_attempt_at > now)),
            counted(GIVEN_UP),
            counted(IN_DOUBT),
        ).where(_UNSENT)
    ).one()
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at)).where(WAITING))
    return {
        "waiting": int(waiting),
        "oldest_waiting_seconds": (now - oldest).total_seconds() if oldest else None,
        "retry_scheduled": int(retry),
        "given_up": int(given_up),
        "in_doubt": int(in_doubt),
    }


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


def _due(now):
    """Waiting, its retry time reached, and not claimed by a live sender."""
    return and_(
        WAITING,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )


def _claim(message_id: int, worker: str) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now))
        .values(claimed_by=worker, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


class _Failed(Exception):
    """The relay answered and did not take the message; ``permanent`` for a 5xx reply to
    RCPT or DATA (this message will never be taken)."""

    def __init__(self, text: str, permanent: bool = False):
        super().__init__(text)
        self.permanent = permanent


class _InDoubt(Exception):
    """The connection failed after DATA began: the relay may have the message."""


def _email(message: OutboxMessage) -> EmailMessage:
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
    return email


def _reply(step: str, code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{step}: {code} {text}"


def _smtp_send(message: OutboxMessage, data_starting) -> None:
    """Send ``message`` step by step; ``data_starting()`` is called (and must commit) just
    before the DATA command. Raises ``_Failed``, ``_InDoubt``, or OSError/SMTPException
    for a failure before DATA."""
    config = current_app.config
    email = _email(message)
    sender = parseaddr(config["MAIL_SENDER"])[1]
    international = not (sender.isascii() and message.recipient.isascii())
    payload = email.as_bytes(policy=policy.SMTP.clone(utf8=international))
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30)
    try:
        smtp.ehlo_or_helo_if_needed()
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
            smtp.ehlo()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        options = []
        if international:
            if not smtp.has_extn("smtputf8"):
                raise _Failed("the server cannot take non-ASCII addresses (SMTPUTF8)", True)
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        code, text = smtp.mail(sender, options)
        if code != 250:  # the relay refuses our sender: its set-up, not this message
            raise _Failed(_reply("MAIL FROM", code, text))
        code, text = smtp.rcpt(message.recipient)
        if code not in (250, 251):
            raise _Failed(_reply("RCPT TO", code, text), permanent=code >= 500)
        data_starting()
        try:
            code, text = smtp.data(payload)
        except smtplib.SMTPDataError as exc:  # DATA itself refused: the relay has nothing
            code, text = exc.smtp_code, exc.smtp_error
        except (OSError, smtplib.SMTPException) as exc:  # the relay may have it
            raise _InDoubt(f"DATA: {exc!r}") from exc
        if code != 250:  # answered: not taken
            raise _Failed(_reply("DATA", code, text), permanent=code >= 500)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure a message is tried again."""
    config = current_app.config
    base = float(config["MAIL_RETRY_BASE_SECONDS"])
    seconds = min(float(config["MAIL_RETRY_MAX_SECONDS"]), base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * _random.uniform(0.9, 1.1))


def _data_starting(message: OutboxMessage) -> None:
    message.data_started_at = utcnow()
    db.session.commit()


def send_pending() -> tuple[int, int]:
    """Send queued messages that are due; returns (sent, failed), a message left in doubt
    counting as failed. Without MAIL_SERVER, messages are marked sent (they were written
    to the log when queued)."""
    worker = uuid.uuid4().hex
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(_due(utcnow()))
        .order_by(OutboxMessage.id)
        .limit(current_app.config["MAIL_BATCH_SIZE"])
    ).all()
    sent = failed = 0
    for message_id in ids:
        if not _claim(message_id, worker):
            continue
        message = db.session.get(OutboxMessage, message_id)
        reason = _withdrawn(message)
        if reason is not None:
            message.attempts = MAX_ATTEMPTS  # given up, with the reason as its last error
            message.last_error = reason
            message.claimed_at = message.claimed_by = None
            db.session.commit()
            continue
        try:
            if current_app.config["MAIL_SERVER"]:
                _smtp_send(message, lambda m=message: _data_starting(m))
        except _InDoubt as exc:
            message.attempts += 1
            message.last_error = f"in doubt: {exc}"[:1000]
            message.claimed_at = message.claimed_by = None
            failed += 1
            log.error("email %s is in doubt (flask mail status): %s", message.id, exc)
        except (_Failed, OSError, smtplib.SMTPException) as exc:
            _failed(message, exc, permanent=getattr(exc, "permanent", False))
            failed += 1
            attempted.send(message, ok=False)
        else:
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
            attempted.send(message, ok=True)
        db.session.commit()
    return sent, failed


def _withdrawn(message: OutboxMessage) -> str | None:
    """Why a queued alert digest (an email with ``List-Unsubscribe``) must not go out any
    more: its alert was deleted (unsubscribed) or its address bounced since it was queued."""
    if not (message.headers or {}).get("List-Unsubscribe"):
        return None
    if message.alert_id is None:
        return "withdrawn: the alert was deleted (unsubscribed) before it was sent"
    bounced = db.session.scalar(
        select(MailBounce.id).where(MailBounce.email == message.recipient.strip().lower())
    )
    return "withdrawn: the address bounced before it was sent" if bounced else None


def _failed(message: OutboxMessage, exc: Exception, permanent: bool) -> None:
    message.attempts += 1
    message.last_error = (str(exc) or repr(exc))[:1000]
    message.claimed_at = message.claimed_by = None
    message.data_started_at = None  # the relay answered (or was never given DATA)
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.attempts = max(message.attempts, MAX_ATTEMPTS)  # given up
        message.next_attempt_at = None
        log.warning("email %s given up: %s", message.id, message.last_error)
    else:
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)


def release(message: OutboxMessage, force: bool = False) -> str:
    """Let an in-doubt or given-up message be sent again, from its first attempt; returns
    what it was ("in doubt" or "given up"). The caller commits."""
    if message.sent_at is not None:
        raise click.ClickException(
            f"email {message.id} was sent at {message.sent_at:%Y-%m-%d %H:%M} UTC"
        )
    if message.data_started_at is not None:
        state = "in doubt"
        claimed = message.claimed_at
        if claimed is not None and claimed >= utcnow() - CLAIM_TIMEOUT and not force:
            raise click.ClickException(
                f"email {message.id} is being sent, or its sender died less than "
                f"{CLAIM_TIMEOUT.total_seconds() / 60:.0f} minutes ago (claimed "
                f"{claimed:%H:%M:%S} UTC): wait, or give --force if that sender is gone"
            )
    elif message.attempts >= MAX_ATTEMPTS:
        state = "given up"
    else:
        raise click.ClickException(f"email {message.id} is waiting to be sent: nothing to release")
    message.data_started_at = message.next_attempt_at = None
    message.claimed_at = message.claimed_by = None
    message.attempts = 0
    audit.record("mail.released", None, message, detail=f"{state} (command line)")
    return state


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


def _listed(condition, order) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(condition).order_by(order).limit(LISTED))
    )


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


@mail_cli.command("status")
def status_command() -> None:
    """How many emails wait, wait for a retry, were given up or are in doubt (with ids)."""
    stats = queue_stats()
    oldest = stats["oldest_waiting_seconds"]
    age = f" (the oldest for {oldest:.0f} s)" if oldest is not None else ""
    click.echo(f"waiting: {stats['waiting']}{age}")
    click.echo(f"retry scheduled: {stats['retry_scheduled']}")
    for message in _listed(
        and_(WAITING, OutboxMessage.next_attempt_at > utcnow()), OutboxMessage.next_attempt_at
    ):
        click.echo(
            f"  #{message.id} to {message.recipient}: attempt {message.attempts + 1} after "
            f"{_when(message.next_attempt_at)}; last error: {message.last_error}"
        )
    click.echo(f"given up: {stats['given_up']}")
    for message in _listed(GIVEN_UP, OutboxMessage.id):
        click.echo(f"  #{message.id} to {message.recipient}: {message.last_error}")
    click.echo(f"in doubt: {stats['in_doubt']}")
    for message in _listed(IN_DOUBT, OutboxMessage.id):
        click.echo(
            f"  #{message.id} to {message.recipient}, subject {message.subject!r}: DATA "
            f"started {_when(message.data_started_at)} (Message-ID <outbox-{message.id}-…>)"
        )
    if stats["in_doubt"]:
        click.echo(
            "An email in doubt may have reached the mail server: find it in the server's log "
            "(Message-ID <outbox-ID-...>); if it is there, `flask mail mark-sent ID`, if not, "
            "`flask mail release ID`."
        )


@mail_cli.command("release")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1), required=True, metavar="ID...")
@click.option("--force", is_flag=True, help="Release an email claimed in the last 10 minutes.")
def release_command(ids: tuple[int, ...], force: bool) -> None:
    """Let in-doubt or given-up emails be sent again (by the next `mail send`)."""
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            raise click.ClickException(f"no email {message_id} in the outbox")
        state = release(message, force)
        click.echo(f"email {message_id} ({state}) released: it goes out with the next send")
    db.session.commit()


@mail_cli.command("mark-sent")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1), required=True, metavar="ID...")
def mark_sent_command(ids: tuple[int, ...]) -> None:
    """Record in-doubt emails as sent: the relay's log shows it took them."""
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            raise click.ClickException(f"no email {message_id} in the outbox")
        if message.sent_at is not None or message.data_started_at is None:
            raise click.ClickException(f"email {message_id} is not in doubt")
        message.sent_at = message.data_started_at
        message.claimed_at = message.claimed_by = None
        audit.record("mail.marked_sent", None, message, detail="in doubt (command line)")
        click.echo(f"email {message_id} recorded as sent at {_when(message.sent_at)}")
    db.session.commit()
