"""Who may use which object with a personal access token, and which token on its pages.

The token's agency acts: a job is its own if the agency leads it (to change it) or has a
share in it (to see its applicants), an application if the agency has a decision on it,
as the agency's pages rule for their staff (``jobs.permissions``,
``applications.permissions``). Anything else is 404, so nothing tells another agency's
objects exist. On the token pages an owner sees every token of the agency, a recruiter
their own (``tokens.may_see``); any other id is 404."""

from flask import abort as page_abort
from flask_smorest import abort

from portal.api import tokens
from portal.extensions import db
from portal.jobs.permissions import agency_has_share
from portal.models import ApiToken, Application, ApplicationDecision, Job, Membership

NO_JOB = "The agency of the token has no job with this id."
NO_APPLICATION = "The agency of the token has no application with this id."


def require_token_job(token: ApiToken, job_id: int, lead_only: bool = True) -> Job:
    """The job, if the token's agency leads it (or, with ``lead_only`` false, has a share
    in it); else 404."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404, message=NO_JOB)
    allowed = (
        job.agency_id == token.agency_id if lead_only else agency_has_share(job, token.agency_id)
    )
    if not allowed:
        abort(404, message=NO_JOB)
    return job


def require_token_application(
    token: ApiToken, application_id: int
) -> tuple[Application, ApplicationDecision]:
    """The application and the token's agency's decision on it; 404 without one."""
    application = db.session.get(Application, application_id)
    decision = application.decision_for(token.agency_id) if application else None
    if decision is None:
        abort(404, message=NO_APPLICATION)
    return application, decision


def require_visible_token(membership: Membership, token_id: int) -> ApiToken:
    """A token id from a token page's URL: the member's to see and revoke; else 404."""
    token = db.get_or_404(ApiToken, token_id)
    if not tokens.may_see(membership, token):
        page_abort(404)
    return token
