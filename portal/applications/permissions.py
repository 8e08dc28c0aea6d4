"""Who may see which application: the seeker who made it, and the staff of an agency with
a decision on it (a share of the job). Anyone else gets 404."""

from flask import abort
from flask_login import current_user

from portal.agencies.permissions import require_membership
from portal.extensions import db
from portal.jobs.permissions import require_agency_job
from portal.models import Application, ApplicationDecision, Membership, ScreeningQuestion


def require_own_application(application_id: int) -> Application:
    application = db.get_or_404(Application, application_id)
    if application.seeker_id != current_user.id:
        abort(404)
    return application


def require_agency_application(
    application_id: int,
) -> tuple[Membership, Application, ApplicationDecision]:
    membership = require_membership()
    application = db.get_or_404(Application, application_id)
    decision = application.decision_for(membership.agency_id)
    if decision is None:
        abort(404)
    return membership, application, decision


def require_job_question(job_id: int, question_id: int):
    """The lead agency edits a job's screening questions."""
    membership, job = require_agency_job(job_id)
    question = db.get_or_404(ScreeningQuestion, question_id)
    if question.job_id != job.id:
        abort(404)
    return membership, job, question
