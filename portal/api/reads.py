"""The database lists of the API's read side, each a page after a keyset (the sort key of
the last row of the previous page, which a cursor carries): the agency's own jobs and the
approved agencies with their open job counts."""

from sqlalchemy import Select, func, select, tuple_, union_all
from sqlalchemy.orm import selectinload

from portal.agencies import public
from portal.extensions import db
from portal.models import Agency, Job, JobShare


def _page(query: Select, limit: int) -> tuple[list, bool]:
    """The first ``limit`` rows of ``query`` and whether more follow."""
    rows = list(db.session.scalars(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def agency_jobs(
    agency_id: int, status: str | None, after: int | None, limit: int
) -> tuple[list[Job], bool, int]:
    """The agency's jobs (those it leads), newest first (by id: a job keeps its place when
    it changes), after the job id ``after``; whether more follow; how many in all."""
    query = select(Job).where(Job.agency_id == agency_id)
    if status:
        query = query.where(Job.status == status)
    total = db.session.scalar(query.with_only_columns(func.count(Job.id))) or 0
    if after is not None:
        query = query.where(Job.id < after)
    jobs, more = _page(
        query.options(
            selectinload(Job.agency),
            selectinload(Job.community),
            selectinload(Job.region),
            selectinload(Job.occupation),
            selectinload(Job.shares).selectinload(JobShare.agency),
        ).order_by(Job.id.desc()),
        limit,
    )
    return jobs, more, total


def approved_agencies(
    region: int | None, subsector: int | None, after: list | None, limit: int
) -> tuple[list[Agency], bool, int]:
    """Approved agencies by name (then id), after the key (name, id) ``after``; whether
    more follow; how many in all."""
    query = select(Agency).where(Agency.status == "approved")
    if region is not None:
        query = query.where(Agency.region_id == region)
    if subsector is not None:
        query = query.where(Agency.subsector_id == subsector)
    total = db.session.scalar(query.with_only_columns(func.count(Agency.id))) or 0
    if after is not None:
        query = query.where(tuple_(Agency.name, Agency.id) > tuple_(*after))
    agencies, more = _page(
        query.options(
            selectinload(Agency.region),
            selectinload(Agency.community),
            selectinload(Agency.subsector),
        ).order_by(Agency.name, Agency.id),
        limit,
    )
    return agencies, more, total


def open_job_counts(agency_ids: list[int]) -> dict[int, int]:
    """For each agency, its publicly listed jobs (lead agency or an accepted share), as
    its public page counts them."""
    if not agency_ids:
        return {}
    lead = public.listed(select(Job.agency_id.label("agency_id"), Job.id.label("job_id")))
    shared = public.listed(
        select(JobShare.agency_id.label("agency_id"), Job.id.label("job_id"))
        .select_from(JobShare)
        .join(Job, Job.id == JobShare.job_id)
    ).where(JobShare.status == "accepted")
    both = union_all(lead, shared).subquery()
    rows = db.session.execute(
        select(both.c.agency_id, func.count(func.distinct(both.c.job_id)))
        .where(both.c.agency_id.in_(agency_ids))
        .group_by(both.c.agency_id)
    )
    return dict(rows.all())
