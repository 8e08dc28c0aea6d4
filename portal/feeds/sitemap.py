"""What the sitemap lists: the public pages people search from and every published job,
with when it last changed; split into parts of at most 50,000 URLs (the protocol's limit)."""

from datetime import datetime

from flask import url_for
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Agency, Job

PART_SIZE = 50_000
STATIC_PAGES = ("pages.home", "jobs.index", "prequal.lists")


def _listed():
    """The published jobs of approved agencies (a query of their id and last change)."""
    return (
        select(Job.id, Job.updated_at)
        .join(Agency, Agency.id == Job.agency_id)
        .where(Job.status == "published", Agency.status == "approved")
    )


def part_count() -> int:
    """How many parts the sitemap needs (1: no index, the sitemap itself)."""
    jobs = db.session.scalar(select(func.count()).select_from(_listed().subquery()))
    return max(1, -(-(jobs + len(STATIC_PAGES)) // PART_SIZE))


def urls(part: int) -> list[tuple[str, datetime | None]]:
    """(URL, last modified) of part ``part`` (0 first) of the whole list: the public pages,
    then the published jobs of approved agencies, oldest first; PART_SIZE a part."""
    pages = [(url_for(name, _external=True), None) for name in STATIC_PAGES]
    start, end = part * PART_SIZE, (part + 1) * PART_SIZE
    first_job, end_job = max(0, start - len(pages)), max(0, end - len(pages))
    rows = []
    if end_job > first_job:
        query = _listed().order_by(Job.id).offset(first_job).limit(end_job - first_job)
        rows = db.session.execute(query).all()
    jobs = [(url_for("jobs.show", job_id=job_id, _external=True), at) for job_id, at in rows]
    return pages[start:end] + jobs
