"""Every open share's facts, kept in memory by each process (one copy per app) and brought
up to date from the search outbox before each use.

Ranking one profile looks at up to ``SHARES_PER_PROFILE`` shares; loading them from the
database for every profile took most of the time of a recomputation (about 1.5 s at
100,000 jobs). Every change that can open, close or alter a share adds an outbox row for
its job in the same transaction — publishing, editing, closing, filling a share, pooling,
an agency approved or suspended — so a refresh reloads only the jobs with rows since the
last one (plus a trailing window, as the index does: on PostgreSQL a lower id can become
visible after a higher one). Closing dates pass without a row: on a new Pacific day the
shares whose job closed the day before are dropped. A copy unused for ``MAX_IDLE`` is
reloaded whole (the outbox keeps only two days of rows); loading 100,000 shares takes a
few seconds, once per process.

A session that has enqueued changes it has not committed reads from the database instead
(``search.pending_changes``): what a transaction has not committed never enters the copy
every request shares.
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from portal import search
from portal.extensions import db
from portal.matching import facts
from portal.matching.facts import (
    SHARES_PER_PROFILE,
    ProfileFacts,
    ShareFacts,
    load_shares,
    noc_group,
)
from portal.models import JobShare, SearchOutbox
from portal.models.types import utcnow
from portal.timeutil import today_pacific

TRAILING_WINDOW = timedelta(minutes=5)
MAX_IDLE = 12 * 3600  # seconds unused after which everything is reloaded (the outbox keeps
# two days of rows: a copy left longer could miss changes)
CHUNK = 5000


@dataclass
class _Copy:
    shares: dict[int, ShareFacts] = field(default_factory=dict)
    by_job: dict[int, set[int]] = field(default_factory=dict)
    newest: list[ShareFacts] | None = None  # newest first; None after a change
    day: date | None = None
    loaded_at: float = 0.0
    refreshed_at: float = 0.0
    high: int = 0  # the highest outbox id applied
    seen: set[int] = field(default_factory=set)  # window ids applied
    lock: threading.Lock = field(default_factory=threading.Lock)


def _copy() -> _Copy:
    from flask import current_app

    app = current_app._get_current_object()
    found = app.extensions.get("matching_open_shares")
    if found is None:
        found = app.extensions["matching_open_shares"] = _Copy()
    return found


def newest_first() -> list[ShareFacts] | None:
    """Every open share, most recently published first; None when this session must read
    the database itself (it has uncommitted job changes)."""
    if search.pending_changes():
        return None
    copy = _copy()
    with copy.lock:
        _refresh(copy)
        if copy.newest is None:
            by_id = sorted(copy.shares.values(), key=lambda s: s.share_id)
            # as load_shares orders: published most recently first, then by share id
            copy.newest = sorted(by_id, key=lambda s: s.published, reverse=True)
        return copy.newest


def shares_for_profile(
    profile: ProfileFacts, limit: int = SHARES_PER_PROFILE, keep=None
) -> list[ShareFacts]:
    """The open shares in one of the profile's NOC groups (any when it gave none) and a
    region it can reach (anywhere when willing to travel or no place given), newest
    first, at most ``limit``; ``keep``: a further test of each share."""
    shares = newest_first()
    if shares is None:  # uncommitted job changes: the database, as facts.shares_for_profile
        shares = facts.shares_for_profile(profile, limit=None).values()
    groups = profile.groups if profile.occupations else None
    regions = None if profile.willing_to_travel or not profile.regions else profile.regions
    found = []
    for share in shares:
        if groups is not None and noc_group(share.noc) not in groups:
            continue
        if regions is not None and share.region_id not in regions:
            continue
        if keep is not None and not keep(share):
            continue
        found.append(share)
        if len(found) >= limit:
            break
    return found


def _refresh(copy: _Copy) -> None:
    today = today_pacific()
    now = time.monotonic()
    if copy.day is None or now - copy.refreshed_at > MAX_IDLE:
        _reload(copy, today)
        return
    copy.refreshed_at = now
    if copy.day != today:  # jobs closing before today are no longer open
        for share in [s for s in copy.shares.values() if s.closes_on < today]:
            _drop(copy, share)
        copy.day, copy.newest = today, None
    rows = _outbox_rows(copy.high)
    rows = [(r, j) for r, j in rows if r > copy.high or r not in copy.seen]
    if not rows:
        return
    job_ids = sorted({job_id for _, job_id in rows})
    for start in range(0, len(job_ids), CHUNK):
        chunk = job_ids[start : start + CHUNK]
        fresh = load_shares(JobShare.job_id.in_(chunk))
        for job_id in chunk:
            for share_id in list(copy.by_job.get(job_id, ())):
                _drop(copy, copy.shares[share_id])
        _add(copy, fresh.values())
    copy.high = max(copy.high, max(r for r, _ in rows))
    copy.seen.update(r for r, _ in rows)
    if len(copy.seen) > 100_000:
        copy.seen = {r for r, _ in _outbox_rows(copy.high)}
    copy.newest = None


def _reload(copy: _Copy, today: date) -> None:
    # read the mark first: a change committed while loading is applied again next time
    high = db.session.scalar(select(func.coalesce(func.max(SearchOutbox.id), 0)))
    seen = {r for r, _ in _outbox_rows(high)}
    copy.shares, copy.by_job = {}, {}
    _add(copy, load_shares().values())
    copy.high, copy.seen, copy.day = high, seen, today
    copy.loaded_at = copy.refreshed_at = time.monotonic()
    copy.newest = None


def _outbox_rows(high: int) -> list[tuple[int, int]]:
    return db.session.execute(
        select(SearchOutbox.id, SearchOutbox.job_id).where(
            or_(SearchOutbox.id > high, SearchOutbox.created_at > utcnow() - TRAILING_WINDOW)
        )
    ).all()


def _drop(copy: _Copy, share: ShareFacts) -> None:
    del copy.shares[share.share_id]
    shares = copy.by_job[share.job_id]
    shares.discard(share.share_id)
    if not shares:
        del copy.by_job[share.job_id]


def _add(copy: _Copy, shares) -> None:
    for share in shares:
        copy.shares[share.share_id] = share
        copy.by_job.setdefault(share.job_id, set()).add(share.share_id)
