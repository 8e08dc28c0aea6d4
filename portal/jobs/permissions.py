"""Who may see and change which job."""

from flask import abort
from flask_login import current_user

from portal.agencies.permissions import require_membership
from portal.extensions import db
from portal.models import Job, Membership


def agency_has_share(job: Job, agency_id: int) -> bool:
    return job.agency_id == agency_id or any(s.agency_id == agency_id for s in job.shares)


def require_agency_job(job_id: int, lead_only: bool = True) -> tuple[Membership, Job]:
    """The job, if the agency the user acts for leads it (or has a share); else 404."""
    membership = require_membership()
    job = db.get_or_404(Job, job_id)
    allowed = (
        job.agency_id == membership.agency_id
        if lead_only
        else agency_has_share(job, membership.agency_id)
    )
    if not allowed:
        abort(404)
    return membership, job


def can_see_unpublished(job: Job) -> bool:
    """Drafts are seen only by the agencies in the job and by admins."""
    if not current_user.is_authenticated:
        return False
    if current_user.role == "admin":
        return True
    return any(agency_has_share(job, m.agency_id) for m in current_user.memberships)


def require_own_import(pending, membership: Membership) -> None:
    """A kept job file (``portal.jobs.pending_imports``) is confirmed only by the staff
    member who uploaded it, acting for the same agency; anyone else gets 404."""
    if pending.agency_id != membership.agency_id or pending.user_id != current_user.id:
        abort(404)
