"""The applications an agency sees through the API, as its applicants page lists them
(``applications.views.pipeline``): those to a job it has a share in, one per decision of
the agency (a pooled job's partners each decide on their own share), newest first, a page
after a keyset (the last decision's id, which a cursor carries)."""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.models import Application, ApplicationDecision, Job, JobShare


def decisions_on(
    job: Job, agency_id: int, after: int | None, limit: int
) -> tuple[list[ApplicationDecision], bool, int]:
    """The agency's decisions on the job's applications, after the decision id ``after``;
    whether more follow; how many in all."""
    query = (
        select(ApplicationDecision)
        .join(ApplicationDecision.application)
        .join(JobShare, ApplicationDecision.share_id == JobShare.id)
        .where(JobShare.job_id == job.id, ApplicationDecision.agency_id == agency_id)
    )
    total = db.session.scalar(query.with_only_columns(func.count(ApplicationDecision.id))) or 0
    if after is not None:
        query = query.where(ApplicationDecision.id < after)
    query = query.options(  # one query per relation for the page, not one per row
        contains_eager(ApplicationDecision.application).selectinload(Application.seeker),
        contains_eager(ApplicationDecision.application).selectinload(Application.answers),
        contains_eager(ApplicationDecision.application).selectinload(Application.resume),
    )
    rows = list(db.session.scalars(query.order_by(ApplicationDecision.id.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit, total
