"""Who may read which job through the API: a published job of an approved agency is
everyone's; any other (a draft, a closed job...) only a ``jobs:read`` token's of an agency
in the job (its lead or a partner with a share), as the job page shows it to their staff.
Anyone else gets 404, so a job's existence is not told."""

from flask_smorest import abort

from portal.api.auth import optional_token
from portal.extensions import db
from portal.jobs.permissions import agency_has_share
from portal.models import ApiToken, Job

READ_SCOPE = "jobs:read"


def is_public(job: Job) -> bool:
    return job.status == "published" and job.agency.is_approved


def can_read_job(job: Job, token: ApiToken | None) -> bool:
    if is_public(job):
        return True
    return (
        token is not None
        and READ_SCOPE in token.scope_list
        and agency_has_share(job, token.agency_id)
    )


def require_readable_job(job_id: int) -> Job:
    """The job if the request (and its token, if it sent one) may read it; else 404."""
    job = db.get_or_404(Job, job_id)
    if not can_read_job(job, optional_token()):
        abort(404, message="No published job has this id.")
    return job
