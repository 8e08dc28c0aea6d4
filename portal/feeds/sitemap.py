"""What the sitemap lists: the public pages people search from, every listed job and every
approved agency's page, with when each last changed; split into parts of at most 50,000
URLs (the protocol's limit)."""

from datetime import datetime

from flask import url_for
from sqlalchemy import func, select

from portal.agencies import public
from portal.extensions import db
from portal.models import Agency, Job

PART_SIZE = 50_000
STATIC_PAGES = ("pages.home", "jobs.index", "prequal.lists")


def _listed():
    """The jobs listed publicly (a query of their id and last change)."""
    return public.listed(select(Job.id, Job.updated_at))


def _agencies():
    """The approved agencies (their pages), oldest first."""
    return select(Agency.id).where(Agency.status == "approved").order_by(Agency.id)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def part_count() -> int:
    """How many parts the sitemap needs (1: no index, the sitemap itself)."""
    urls = len(STATIC_PAGES) + _count(_listed()) + _count(_agencies())
    return max(1, -(-urls // PART_SIZE))


def urls(part: int) -> list[tuple[str, datetime | None]]:
    """(URL, last modified) of part ``part`` (0 first) of the whole list: the public pages,
    then the listed jobs, oldest first, then the approved agencies' pages (changed when
    their newest open job was published or changed, else when they registered);
    PART_SIZE a part."""
    pages = [(url_for(name, _external=True), None) for name in STATIC_PAGES]
    start, end = part * PART_SIZE, (part + 1) * PART_SIZE
    found = pages[start:end]
    jobs = _count(_listed())
    first, last = (min(max(0, n - len(pages)), jobs) for n in (start, end))
    if last > first:
        query = _listed().order_by(Job.id).offset(first).limit(last - first)
        found += [
            (url_for("jobs.show", job_id=job_id, _external=True), at)
            for job_id, at in db.session.execute(query)
        ]
    first, last = (max(0, n - len(pages) - jobs) for n in (start, end))
    if last > first:
        found += _agency_urls(first, last - first)
    return found


def _agency_urls(offset: int, limit: int) -> list[tuple[str, datetime]]:
    ids = _agencies().offset(offset).limit(limit)
    rows = db.session.execute(
        select(Agency.id, Agency.slug, Agency.created_at)
        .where(Agency.id.in_(ids.scalar_subquery()))
        .order_by(Agency.id)
    ).all()
    changed = public.last_changes(ids.scalar_subquery())
    return [
        (url_for("agencies.public_page", slug=slug, _external=True), changed.get(id_, created))
        for id_, slug, created in rows
    ]
