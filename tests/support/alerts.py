"""Alerts in tests: saving one as a visitor would, confirming it from its email, making
it due, and running the alerts as the worker does (then the outbox's sender)."""

from datetime import timedelta

from sqlalchemy import select, update

from portal import search
from portal.extensions import db as _db
from portal.models import Job, SavedSearch
from portal.models.types import utcnow


def save_alert(client, mailbox, email: str, query: str = "", frequency: str = "daily"):
    """Save the search ``query`` (a /jobs query string) as a visitor; returns the
    confirmation link emailed to ``email``."""
    response = client.post_form(f"/alerts/new?{query}", {"email": email, "frequency": frequency})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return mailbox.last_link(email.lower(), "/alerts/confirm/")


def confirm(client, link: str):
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    response = client.post_form(f"/{path}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def tampered(path: str) -> str:
    """``path`` (ending in a signed token) with the signature's first character changed.
    Not the last one: it carries base64 padding bits, so "…A" and "…B" can decode to
    the same signature and the link would still work."""
    head, signature = path.rsplit(".", 1)
    swapped = "A" if signature[0] != "A" else "B"
    return f"{head}.{swapped}{signature[1:]}"


def alert_of(email: str) -> SavedSearch:
    _db.session.expire_all()
    return _db.session.scalars(
        select(SavedSearch).where(SavedSearch.email == email).order_by(SavedSearch.id.desc())
    ).first()


def make_due(alert_id: int, confirmed_ago: timedelta = timedelta(minutes=1)) -> None:
    """The alert is due now and was confirmed ``confirmed_ago`` (job times are whole
    seconds: a job published in the second of the confirmation is not newer)."""
    now = utcnow()
    _db.session.execute(
        update(SavedSearch)
        .where(SavedSearch.id == alert_id)
        .values(confirmed_at=now - confirmed_ago, next_run_at=now - timedelta(seconds=1))
    )
    _db.session.commit()


def run_alerts(runner) -> str:
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def published_ago(job_id: int, ago: timedelta) -> None:
    """The job was published ``ago`` (in the database and the index)."""
    _db.session.execute(update(Job).where(Job.id == job_id).values(published_at=utcnow() - ago))
    search.enqueue([job_id])
    _db.session.commit()
    search.sync_after_commit()
