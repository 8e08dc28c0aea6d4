"""How matching takes part in lower features' work (README "Code layout"): it follows
job changes through ``search.jobs_committed`` and profile changes through
``seekers.signals.profile_changed``. Called once from ``create_app``; receivers are
module-level functions because blinker holds them by weak reference."""

from flask import current_app
from flask_login import current_user

from portal import search
from portal.agencies.permissions import current_membership
from portal.extensions import db
from portal.jobs import signals as jobs_signals
from portal.matching import candidates, engine, pooling, recommend, sync
from portal.models import Agency
from portal.seekers import signals as seekers

# jobs recomputed inside a request after its commit; a bulk change leaves the rest to the
# worker (each job costs tens to hundreds of milliseconds with thousands of profiles)
INLINE_JOBS = 10


def _jobs_committed(_sender=None, **_) -> None:
    try:
        sync.apply_pending(limit=INLINE_JOBS)
    except Exception:  # the worker catches up; a request must not fail after its commit
        db.session.rollback()
        current_app.logger.exception("matching: recompute after commit failed")


def _profile_changed(profile, **_) -> None:
    engine.recompute_profile(profile.id)


def _job_page_candidates(_page, job, **_) -> dict:
    """For the staff of an agency with a share of a published job: its candidate numbers."""
    membership = current_membership()
    if membership is None or not membership.agency.is_approved or job.status != "published":
        return {}
    if candidates.agency_share(job, membership.agency) is None:
        return {}
    return {"candidate_stats": candidates.job_stats(job, membership.agency)}


def _agency_jobs_candidates(_page, jobs, agency_id, **_) -> dict:
    """The number of suggested candidates of each published job listed."""
    ids = [job.id for job in jobs if job.status == "published"]
    agency = db.session.get(Agency, agency_id)
    return {"suggested_counts": candidates.suggestion_counts(ids, agency) if agency else {}}


def _invitations_page(_page, invitations, **_) -> dict:
    """The seeker's invitations page (prequal): each job's match chart."""
    return recommend.invitation_page(invitations, current_user)


def connect() -> None:
    search.jobs_committed.connect(_jobs_committed)
    seekers.profile_changed.connect(_profile_changed)
    jobs_signals.page_context.connect(pooling.page_context)  # merged postings, partners
    jobs_signals.page_context.connect(_job_page_candidates, sender="show")
    jobs_signals.page_context.connect(_agency_jobs_candidates, sender="agency_jobs")
    jobs_signals.page_context.connect(_invitations_page, sender="invitations")
