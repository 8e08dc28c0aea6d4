"""The mail sender against a real SMTP server that misbehaves on cue: temporary failures
are retried later and later, refusals are given up at once, and a sender killed halfway
never sends a message twice (``flask mail send`` run as a process the server kills)."""

import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import mail
from portal.extensions import db as _db
from portal.models import AuditEvent, OutboxMessage
from portal.models.types import utcnow
from tests.support.mail import ScriptedMailbox, smtp_serving

BASE, CAP = 60, 150  # seconds: MAIL_RETRY_BASE_SECONDS, MAIL_RETRY_MAX_SECONDS here


@pytest.fixture
def relay(app):
    box = ScriptedMailbox()
    with smtp_serving(box) as port:
        box.port = port
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_RETRY_BASE_SECONDS=BASE,
            MAIL_RETRY_MAX_SECONDS=CAP,
        )
        yield box


def queued(make_user, address: str) -> int:
    """A password-reset email to a new user, queued (and committed) as a command would."""
    user = make_user(email=address)
    message = mail.queue(
        user.email, "Reset your password", "reset_password", user=user, link="http://x/reset/1"
    )
    _db.session.commit()
    return message.id


def outbox(message_id: int) -> OutboxMessage:
    _db.session.commit()  # a new transaction: SQLite shows what other processes committed
    return _db.session.get(OutboxMessage, message_id)


def change(message_id: int, **values) -> None:
    _db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
    )
    _db.session.commit()


def due_now(message_id: int) -> None:
    change(message_id, next_attempt_at=utcnow() - timedelta(seconds=1))


def claim_expired(message_id: int) -> None:
    """As if the sender that claimed it died more than CLAIM_TIMEOUT ago."""
    change(message_id, claimed_at=utcnow() - mail.CLAIM_TIMEOUT - timedelta(minutes=1))


def invoke(runner, *args, exit_code=0) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == exit_code, (result.output, result.exception)
    return result.output


def send(runner, exit_code=0) -> str:
    """``flask mail send``: its summary (the last line, after any log lines)."""
    return invoke(runner, "mail", "send", exit_code=exit_code).strip().splitlines()[-1]


def stats(**expected) -> dict:
    _db.session.commit()
    found = mail.queue_stats()
    assert set(found) == {
        "waiting",
        "oldest_waiting_seconds",
        "retry_scheduled",
        "given_up",
        "in_doubt",
    }
    assert {key: found[key] for key in expected} == expected, found
    return found


def assert_retry_after(message, before, after, seconds: float) -> None:
    """``next_attempt_at`` is ``seconds`` (±10 % jitter) after the attempt."""
    low = before + timedelta(seconds=seconds * 0.9)
    high = after + timedelta(seconds=seconds * 1.1)
    assert low <= message.next_attempt_at <= high, (message.next_attempt_at, before, seconds)


def test_temporary_failures_are_retried_later_and_later_then_given_up(runner, relay, make_user):
    relay.refuse["RCPT"] = "451 4.3.0 Try again later"
    message_id = queued(make_user, "slow@example.org")
    stats(waiting=1, retry_scheduled=0, given_up=0, in_doubt=0)
    delays = [BASE, 2 * BASE] + [CAP] * (mail.MAX_ATTEMPTS - 3)  # then capped
    for attempt, delay in enumerate(delays, start=1):
        before = utcnow()
        assert send(runner, exit_code=1) == "sent 0, failed 1"
        after = utcnow()
        message = outbox(message_id)
        assert message.attempts == attempt and message.sent_at is None
        assert message.last_error == "RCPT TO: 451 4.3.0 Try again later"
        assert message.claimed_at is None and message.data_started_at is None
        assert_retry_after(message, before, after, delay)
        assert relay.commands.count("RCPT") == attempt
        found = stats(waiting=1, retry_scheduled=1, given_up=0, in_doubt=0)
        assert found["oldest_waiting_seconds"] >= 0
        # before next_attempt_at nothing is tried
        assert send(runner) == "sent 0, failed 0"
        assert relay.commands.count("RCPT") == attempt
        status = invoke(runner, "mail", "status")
        assert "retry scheduled: 1" in status
        assert f"#{message_id} to slow@example.org: attempt {attempt + 1} after" in status
        due_now(message_id)

    assert send(runner, exit_code=1) == "sent 0, failed 1"  # the last failure: given up
    message = outbox(message_id)
    assert message.attempts == mail.MAX_ATTEMPTS and message.next_attempt_at is None
    stats(waiting=0, oldest_waiting_seconds=None, retry_scheduled=0, given_up=1, in_doubt=0)
    due_now(message_id)
    assert send(runner) == "sent 0, failed 0"
    assert relay.commands.count("RCPT") == mail.MAX_ATTEMPTS
    status = invoke(runner, "mail", "status")
    assert "given up: 1" in status
    assert f"#{message_id} to slow@example.org: RCPT TO: 451 4.3.0 Try again later" in status

    # the relay works again: an admin lets the message go out
    relay.refuse.clear()
    released = invoke(runner, "mail", "release", str(message_id))
    assert f"email {message_id} (given up) released" in released
    stats(waiting=1, given_up=0)
    assert send(runner) == "sent 1, failed 0"
    assert [m["To"] for m in relay.messages] == ["slow@example.org"]
    assert outbox(message_id).sent_at is not None
    refused = invoke(runner, "mail", "release", str(message_id), exit_code=1)
    assert "was sent at" in refused


@pytest.mark.parametrize("failure", ["no server", "RCPT 421", "DATA 451"])
def test_each_temporary_failure_schedules_a_retry(app, runner, relay, make_user, failure):
    if failure == "no server":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            app.config.update(MAIL_PORT=probe.getsockname()[1])  # nothing listens there
    else:
        command, code = failure.split()
        relay.refuse[command] = f"{code} 4.3.0 Busy"
    message_id = queued(make_user, "later@example.org")
    before = utcnow()
    assert send(runner, exit_code=1) == "sent 0, failed 1"
    message = outbox(message_id)
    assert message.attempts == 1 and message.data_started_at is None
    assert_retry_after(message, before, utcnow(), BASE)
    if failure == "DATA 451":
        assert message.last_error == "DATA: 451 4.3.0 Busy"
    stats(waiting=1, retry_scheduled=1, given_up=0, in_doubt=0)
    assert relay.messages == []


@pytest.mark.parametrize("command", ["RCPT", "DATA"])
def test_a_refusal_gives_up_at_once(runner, relay, make_user, command):
    relay.refuse[command] = "550 5.1.1 No such user"
    message_id = queued(make_user, "nobody@example.org")
    assert send(runner, exit_code=1) == "sent 0, failed 1"
    message = outbox(message_id)
    step = "RCPT TO" if command == "RCPT" else "DATA"
    assert message.last_error == f"{step}: 550 5.1.1 No such user"
    assert message.attempts == mail.MAX_ATTEMPTS and message.next_attempt_at is None
    assert message.data_started_at is None and message.sent_at is None
    stats(waiting=0, given_up=1, in_doubt=0)
    due_now(message_id)
    change(message_id, claimed_at=None)
    assert send(runner) == "sent 0, failed 0"
    assert relay.commands.count(command) == 1 and relay.messages == []


def test_a_connection_lost_during_data_leaves_the_message_in_doubt_until_an_admin_decides(
    runner, relay, make_user
):
    message_id = queued(make_user, "doubt@example.org")
    relay.hang_up_at = "DATA"  # stores the message, then closes the connection unanswered
    assert send(runner, exit_code=1) == "sent 0, failed 1"
    assert len(relay.messages) == 1
    message = outbox(message_id)
    assert message.sent_at is None and message.data_started_at is not None
    assert message.last_error.startswith("in doubt: DATA")
    stats(waiting=0, given_up=0, in_doubt=1)
    due_now(message_id)
    claim_expired(message_id)
    assert send(runner) == "sent 0, failed 0"
    assert len(relay.messages) == 1  # never sent again by itself
    assert "mark-sent ID" in invoke(runner, "mail", "status")

    # the relay's log shows it took the email: the admin records it as sent
    marked = invoke(runner, "mail", "mark-sent", str(message_id))
    assert f"email {message_id} recorded as sent" in marked
    message = outbox(message_id)
    assert message.sent_at == message.data_started_at
    stats(waiting=0, given_up=0, in_doubt=0)
    assert "is not in doubt" in invoke(runner, "mail", "mark-sent", str(message_id), exit_code=1)
    assert "was sent at" in invoke(runner, "mail", "release", str(message_id), exit_code=1)


# --- a sender killed halfway: `flask mail send` as a process ---------------------------


def run_sender(app, relay) -> tuple[int, str]:
    """``flask mail send`` as a process of its own on the test's database; the relay may
    kill it (``relay.kill_at``). Returns its exit status (-9: killed) and output."""
    _db.session.commit()
    env = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "PORTAL_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_MAIL_PORT": str(relay.port),
        "PORTAL_MAIL_RETRY_BASE_SECONDS": str(BASE),
    }
    sender = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "mail", "send"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    relay.kill_pid = sender.pid
    try:
        output, _ = sender.communicate(timeout=120)
    finally:
        sender.kill()
    return sender.returncode, output


def test_a_sender_killed_after_data_began_never_sends_the_message_again(
    app, runner, relay, make_user
):
    message_id = queued(make_user, "once@example.org")
    relay.kill_at = "DATA"  # the relay stores the message, then kills the sender
    status, output = run_sender(app, relay)
    assert status == -signal.SIGKILL, output
    assert [m["To"] for m in relay.messages] == ["once@example.org"]
    assert relay.messages[0]["Message-ID"].startswith(f"<outbox-{message_id}-")
    message = outbox(message_id)
    assert message.sent_at is None and message.data_started_at is not None
    stats(waiting=0, given_up=0, in_doubt=1)
    shown = invoke(runner, "mail", "status")
    assert "in doubt: 1" in shown and f"#{message_id} to once@example.org" in shown
    # the claim is fresh (the sender might still be at it): no release without --force
    refused = invoke(runner, "mail", "release", str(message_id), exit_code=1)
    assert "--force" in refused

    # long after the claim expired, later runs still leave it alone
    claim_expired(message_id)
    due_now(message_id)
    status, output = run_sender(app, relay)
    assert status == 0 and "sent 0, failed 0" in output, output
    assert len(relay.messages) == 1
    assert outbox(message_id).sent_at is None
    assert "in doubt: 1" in invoke(runner, "mail", "status")

    # the admin finds it missing from the relay's log and releases it: it goes out again
    released = invoke(runner, "mail", "release", str(message_id))
    assert f"email {message_id} (in doubt) released" in released
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.released"))
    assert event.object_id == message_id and event.detail == "in doubt (command line)"
    stats(waiting=1, in_doubt=0)
    assert send(runner) == "sent 1, failed 0"
    assert [m["To"] for m in relay.messages] == ["once@example.org"] * 2
    assert outbox(message_id).sent_at is not None
    stats(waiting=0, in_doubt=0, given_up=0)


def test_a_sender_killed_before_data_has_the_message_sent_once_later(app, runner, relay, make_user):
    message_id = queued(make_user, "retry@example.org")
    relay.kill_at = "RCPT"  # killed before DATA: the relay has nothing
    status, output = run_sender(app, relay)
    assert status == -signal.SIGKILL, output
    assert relay.messages == []
    message = outbox(message_id)
    assert message.sent_at is None and message.data_started_at is None
    assert message.claimed_at is not None  # the dead sender's claim
    stats(waiting=1, in_doubt=0)

    assert send(runner) == "sent 0, failed 0"  # claimed by the dead sender: not yet
    assert relay.messages == []

    claim_expired(message_id)
    status, output = run_sender(app, relay)
    assert status == 0 and "sent 1, failed 0" in output, output
    assert send(runner) == "sent 0, failed 0"
    assert [m["To"] for m in relay.messages] == ["retry@example.org"]
    assert outbox(message_id).sent_at is not None
    stats(waiting=0, in_doubt=0, given_up=0)
