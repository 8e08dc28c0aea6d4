"""The alert run (``flask alerts run``, a task of the worker): for each due alert, the jobs
published since its last run that match it now, minus those already sent to it, as one
digest through the mail outbox.

- **Matching** goes through the search code of ``/jobs`` (``search.new_jobs``): one
  query per distinct saved search in a run, grouped: alerts with the same search share
  it, asked from the earliest window among them (``Summary.since``) and each alert keeps
  the jobs published in its own window. Each query starts from the few documents
  published in that window. "Jobs that match my profile" alerts read the stored match
  scores instead.
- **Never twice, never lost:** a job sent to an alert is recorded in ``alert_sent``
  (unique per alert and job) in the same transaction as the queued digest and the
  alert's new ``last_run_at``; a crash before that commit leaves nothing behind and
  the alert runs again once its claim times out. The window reaches ``LOOKBACK`` back
  before the last run, so a job the index learned of late is still found.
- **Several runs at once** (threads, processes, machines): each alert is claimed with a
  conditional UPDATE before it is worked on, like the mail outbox.
- **Only live jobs:** the database is asked again whether each job is still published
  and open, so a job closed since the index last synced is never sent.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from flask import url_for
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from portal import mail, search
from portal.alerts import services
from portal.alerts.describe import describe, params_of, search_url
from portal.extensions import db
from portal.models import (
    AlertDelivery,
    Community,
    Job,
    MailBounce,
    MatchDismissal,
    MatchScore,
    SavedSearch,
    SeekerProfile,
)
from portal.models.jobs import EMPLOYMENT_TYPES
from portal.models.types import utcnow
from portal.numbers import pay_range
from portal.timeutil import today_pacific

CLAIM_TIMEOUT = timedelta(minutes=15)
LOOKBACK = timedelta(days=1)
DIGEST_JOBS = 20
CLAIM_CHUNK = 200
# alerts per transaction: each alert's digest, deliveries and next run are committed
# together with those of the alerts before it (a crash rolls back at most this many, and
# they run again once their claims time out); one commit per alert cost most of a run on
# PostgreSQL
COMMIT_EVERY = 50


@dataclass
class Summary:
    alerts: int = 0
    digests: int = 0
    jobs: int = 0
    skipped: int = 0  # bounced addresses, closed accounts
    queries: int = 0  # distinct searches asked of the index
    since: dict = field(default_factory=dict, repr=False)  # query -> earliest window start
    bounced: set = field(default_factory=set, repr=False)  # addresses that bounced
    words: dict = field(default_factory=dict, repr=False)  # (kind, query, stars) -> describe()
    cache: dict = field(default_factory=dict, repr=False)  # query -> (start, [(id, published)])
    lines: dict = field(default_factory=dict, repr=False)  # job id -> JobLine

    def __str__(self) -> str:
        return (
            f"{self.alerts} alerts run, {self.digests} digests queued with {self.jobs} jobs, "
            f"{self.skipped} skipped, {self.queries} searches"
        )


def _due(now):
    return and_(
        SavedSearch.confirmed_at.is_not(None),
        SavedSearch.paused_reason.is_(None),
        SavedSearch.next_run_at <= now,
        or_(SavedSearch.claimed_at.is_(None), SavedSearch.claimed_at < now - CLAIM_TIMEOUT),
    )


def due_ids(limit: int) -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(SavedSearch.id).where(_due(now)).order_by(SavedSearch.next_run_at).limit(limit)
        )
    )


def _claim(ids: list[int], worker: str) -> list[int]:
    """Take the alerts among ``ids`` nobody else has taken; committed at once."""
    now = utcnow()
    db.session.execute(
        update(SavedSearch)
        .where(SavedSearch.id.in_(ids), _due(now))
        .values(claimed_by=worker, claimed_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(SavedSearch.id)
            .where(SavedSearch.id.in_(ids), SavedSearch.claimed_by == worker)
            .order_by(SavedSearch.next_run_at)
        )
    )


def run(limit: int, on_alert=None) -> Summary:
    """Run up to ``limit`` due alerts; ``on_alert()`` is called after each (progress)."""
    summary = Summary()
    worker = uuid.uuid4().hex
    ids = due_ids(limit)
    summary.since = _earliest_windows(ids)
    summary.bounced = set(db.session.scalars(select(MailBounce.email)))
    for start in range(0, len(ids), CLAIM_CHUNK):
        claimed = _claim(ids[start : start + CLAIM_CHUNK], worker)
        for batch in range(0, len(claimed), COMMIT_EVERY):
            # loaded per transaction: a commit expires what the session holds
            alerts = db.session.scalars(
                select(SavedSearch)
                .where(SavedSearch.id.in_(claimed[batch : batch + COMMIT_EVERY]))
                .options(joinedload(SavedSearch.user))
                .order_by(SavedSearch.next_run_at)
            ).all()
            for alert in alerts:
                run_alert(alert, summary)
            db.session.commit()  # digests, deliveries and next runs of these alerts
            summary.alerts += len(alerts)
            if on_alert is not None:
                for _ in alerts:
                    on_alert()
    return summary


def run_alert(alert: SavedSearch, summary: Summary) -> None:
    """One claimed alert: its digest (if there is anything new) and its next run."""
    now = utcnow()
    alert.claimed_by = alert.claimed_at = None
    alert.next_run_at = now + services.PERIODS[alert.frequency]
    to = services.recipient(alert)
    if (alert.user is not None and not alert.user.active) or services.normal_email(
        to
    ) in summary.bounced:
        summary.skipped += 1
        return
    found = _found(alert, _window(alert.confirmed_at, alert.last_run_at), summary)
    if found:
        already = set(
            db.session.scalars(
                select(AlertDelivery.job_id).where(
                    AlertDelivery.alert_id == alert.id, AlertDelivery.job_id.in_(found)
                )
            )
        )
        found = [job_id for job_id in found if job_id not in already]
    jobs = _live_jobs(found, summary) if found else []
    alert.last_run_at = now
    if not jobs:
        return
    words = summary.words.get((alert.kind, alert.query, alert.min_stars))
    if words is None:
        words = summary.words[alert.kind, alert.query, alert.min_stars] = describe(alert)
    message = _queue_digest(alert, to, jobs, words)
    db.session.execute(
        AlertDelivery.__table__.insert(),
        [
            {"alert_id": alert.id, "job_id": j.id, "message_id": message.id, "sent_at": now}
            for j in jobs
        ],
    )
    alert.jobs_sent += len(jobs)
    alert.digests_sent += 1
    summary.digests += 1
    summary.jobs += len(jobs)


def _window(confirmed_at, last_run_at):
    """Where an alert's window starts: its last run less ``LOOKBACK``, never before its
    confirmation (the first run sends only jobs newer than that)."""
    if last_run_at is None:
        return confirmed_at
    return max(confirmed_at, last_run_at - LOOKBACK)


def _earliest_windows(ids: list[int]) -> dict[str, int]:
    """For each saved search among the alerts ``ids``: the earliest start of their windows
    (a Unix time), so one query serves every alert with that search."""
    earliest: dict[str, int] = {}
    for start in range(0, len(ids), 1000):
        rows = db.session.execute(
            select(SavedSearch.query, SavedSearch.confirmed_at, SavedSearch.last_run_at).where(
                SavedSearch.id.in_(ids[start : start + 1000]), SavedSearch.kind == "search"
            )
        )
        for query, confirmed_at, last_run_at in rows:
            ts = int(_window(confirmed_at, last_run_at).timestamp())
            earliest[query] = min(ts, earliest.get(query, ts))
    return earliest


def _found(alert: SavedSearch, since, summary: Summary) -> list[int]:
    """Job ids newest first (matches: best first) published after ``since``."""
    if alert.kind == "matches":
        return _matches(alert, since)
    ts = int(since.timestamp())
    cached = summary.cache.get(alert.query)
    if cached is None or cached[0] > ts:  # the first alert with this search (or unforeseen)
        start = min(ts, summary.since.get(alert.query, ts))
        cached = summary.cache[alert.query] = (
            start,
            search.new_jobs(params_of(alert.query), start),
        )
        summary.queries += 1
    return [job_id for job_id, published in cached[1] if published > ts]


def _matches(alert: SavedSearch, since) -> list[int]:
    if alert.user_id is None:
        return []
    dismissed = select(MatchDismissal.job_id).where(MatchDismissal.user_id == alert.user_id)
    rows = db.session.execute(
        select(MatchScore.job_id, MatchScore.score)
        .join(SeekerProfile, SeekerProfile.id == MatchScore.profile_id)
        .join(Job, Job.id == MatchScore.job_id)
        .where(
            SeekerProfile.user_id == alert.user_id,
            MatchScore.stars >= (alert.min_stars or 5),
            Job.published_at > since,
            MatchScore.job_id.not_in(dismissed),
        )
        .order_by(MatchScore.score.desc(), MatchScore.job_id.desc())
    ).all()
    return list(dict.fromkeys(job_id for job_id, _ in rows))


@dataclass(frozen=True)
class JobLine:
    """What a digest says of a job (kept for the whole run: the rows are not reloaded
    after each alert's commit)."""

    id: int
    title: str
    agency: str
    place: str
    pay: str
    hours: str
    closes_on: object
    live: bool


def _line(job: Job, today) -> JobLine:
    hours = f"{job.hours_per_week:g} hours a week"
    return JobLine(
        id=job.id,
        title=job.title,
        agency=job.agency.name,
        place=f"{job.community.name}, {job.community.region.name}",
        pay=pay_range(job.pay_min_cents, job.pay_max_cents, job.pay_unit),
        hours=f"{EMPLOYMENT_TYPES[job.employment_type]}, {hours}",
        closes_on=job.closes_on,
        live=job.status == "published" and job.closes_on >= today,
    )


def _live_jobs(ids: list[int], summary: Summary) -> list[JobLine]:
    """The jobs among ``ids`` still published and open, in the order given."""
    cache = summary.lines
    missing = [i for i in ids if i not in cache]
    today = today_pacific()
    for start in range(0, len(missing), 1000):
        query = (
            select(Job)
            .where(Job.id.in_(missing[start : start + 1000]))
            .options(joinedload(Job.agency), joinedload(Job.community).joinedload(Community.region))
        )
        for job in db.session.scalars(query):
            cache[job.id] = _line(job, today)
    return [cache[i] for i in ids if i in cache and cache[i].live]


def _queue_digest(alert: SavedSearch, to: str, jobs: list[JobLine], description: str):
    shown, more = jobs[:DIGEST_JOBS], len(jobs) - DIGEST_JOBS
    unsubscribe = services.unsubscribe_link(alert)
    if alert.kind == "matches":
        more_link = url_for("matching.recommended", _external=True)
    else:
        more_link = search_url(alert, external=True)
    count = f"{len(jobs)} new job{'s' if len(jobs) != 1 else ''}"
    return mail.queue(
        to,
        f"{count}: {description}"[:300],
        "alert_digest",
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        alert_id=alert.id,
        alert=alert,
        description=description,
        jobs=shown,
        more=max(0, more),
        more_link=more_link,
        manage_link=services.manage_link(alert),
        unsubscribe_link=unsubscribe,
        count=count,
    )
