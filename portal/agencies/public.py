"""What the public sees of agencies: the page of each approved agency (``/agencies/<slug>``)
with its open jobs, and the rule of which jobs are listed publicly at all, shared with the
sitemap and the feeds."""

import re
from datetime import datetime

from sqlalchemy import Select, func, or_, select, union_all
from sqlalchemy.orm import contains_eager, selectinload

from portal.extensions import db
from portal.models import Agency, Job, JobShare

PAGE_JOBS = 100  # the newest open jobs an agency's page lists; the search has them all


def listed(query: Select) -> Select:
    """``query`` (over jobs) narrowed to the jobs listed publicly — in the search, the
    sitemap, the feeds and the agencies' pages: published, by an approved lead agency,
    not merged into another posting. Joins ``Agency`` (the lead agency)."""
    return query.join(Agency, Agency.id == Job.agency_id).where(
        Job.status == "published", Agency.status == "approved", Job.merged_into_id.is_(None)
    )


def approved_by_slug(slug: str) -> Select:
    """The approved agency of ``slug`` (a query: none for a pending, rejected or suspended
    one)."""
    return select(Agency).where(Agency.slug == slug, Agency.status == "approved")


def _of_agency(agency_id: int):
    """Jobs the agency leads or holds an accepted share of."""
    shared = select(JobShare.job_id).where(
        JobShare.agency_id == agency_id, JobShare.status == "accepted"
    )
    return or_(Job.agency_id == agency_id, Job.id.in_(shared))


def open_jobs(agency: Agency) -> tuple[list[Job], int]:
    """The agency's newest listed jobs (at most PAGE_JOBS; lead agency or an accepted
    share, with what a job card shows loaded) and how many it has in all."""
    total = db.session.scalar(listed(select(func.count(Job.id))).where(_of_agency(agency.id)))
    jobs = db.session.scalars(
        listed(select(Job))
        .where(_of_agency(agency.id))
        .options(
            contains_eager(Job.agency),
            selectinload(Job.community),
            selectinload(Job.region),
            selectinload(Job.shares).selectinload(JobShare.agency),
        )
        .order_by(Job.published_at.desc(), Job.id.desc())
        .limit(PAGE_JOBS)
    ).all()
    return list(jobs), total or 0


def last_changes(agency_ids: Select) -> dict[int, datetime]:
    """For each agency of the query ``agency_ids`` (a select of agency ids) that has open
    jobs: when the newest of them was published or changed."""
    lead = listed(select(Job.agency_id.label("agency_id"), Job.published_at, Job.updated_at))
    shared = listed(
        select(JobShare.agency_id.label("agency_id"), Job.published_at, Job.updated_at)
        .select_from(JobShare)
        .join(Job, Job.id == JobShare.job_id)
    ).where(JobShare.status == "accepted")
    both = union_all(lead, shared).subquery()
    rows = db.session.execute(
        select(both.c.agency_id, func.max(both.c.published_at), func.max(both.c.updated_at))
        .where(both.c.agency_id.in_(agency_ids))
        .group_by(both.c.agency_id)
    )
    return {
        agency_id: max(t for t in (published, updated) if t is not None)
        for agency_id, published, updated in rows
        if published is not None or updated is not None
    }


def paragraphs(text: str | None) -> list[list[str]]:
    """The agency's "about" text as paragraphs (split at blank lines), each a list of its
    lines, for the page to show as plain, escaped text."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [
        [line.strip() for line in block.split("\n") if line.strip()]
        for block in blocks
        if block.strip()
    ]
