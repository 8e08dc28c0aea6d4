"""Agencies' matching pages: the suggested candidates for a published job (anonymous until
the seeker applies or accepts an invitation), one candidate's detail, "Invite to apply"
and "Not a fit". Staff (owner, recruiter) of an agency with an accepted share of the job."""

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal import ratelimits
from portal.actions import commit, run_action
from portal.forms import ConfirmForm
from portal.jobs.permissions import require_agency_job
from portal.matching import candidates
from portal.matching.blueprint import bp
from portal.seekers.forms import DAY_PART_LABELS, WEEKDAY_NAMES


class InviteForm(FlaskForm):
    message = TextAreaField(
        "Your message",
        validators=[
            DataRequired("Write a message to the candidate."),
            Length(max=3000, message="Keep the message under 3,000 characters."),
        ],
        description="Sent as you see it here; you can change your agency's wording on the "
        "Emails to applicants page.",
        render_kw={"rows": 6},
    )
    submit = SubmitField("Invite to apply")


def _job_of_agency(job_id: int):
    """The job and the membership, if the agency the user acts for is approved and has an
    accepted share of it; else 404 (403 for users who act for no agency), like the other
    pages that show seekers to agencies."""
    membership, job = require_agency_job(job_id, lead_only=False)
    if not membership.agency.is_approved:
        abort(404)
    if candidates.agency_share(job, membership.agency) is None:
        abort(404)
    return membership, job


@bp.route("/agency/jobs/<int:job_id>/candidates")
@login_required
def candidates_list(job_id: int):
    membership, job = _job_of_agency(job_id)
    agency = membership.agency
    return render_template(
        "matching/candidates.html",
        job=job,
        agency=agency,
        candidates=candidates.suggested(job, agency),
        stats=candidates.job_stats(job, agency),
        invited=candidates.invitations_of(job, agency),
    )


def _detail(job, agency, found, form, status=200):
    return render_template(
        "matching/candidate.html",
        job=job,
        agency=agency,
        candidate=found,
        form=form,
        reject_form=ConfirmForm(),
        weekdays=WEEKDAY_NAMES,
        part_labels=DAY_PART_LABELS,
    ), status


REF = "<string(length=10):ref>"


@bp.route(f"/agency/jobs/<int:job_id>/candidates/{REF}")
@login_required
def candidate(job_id: int, ref: str):
    membership, job = _job_of_agency(job_id)
    found = candidates.view(job, membership.agency, ref, current_user)
    if found is None:
        abort(404)
    commit()
    form = InviteForm(data={"message": candidates.invitation_wording(job, membership.agency)})
    return _detail(job, membership.agency, found, form)


@bp.route(f"/agency/jobs/<int:job_id>/candidates/{REF}/invite", methods=["POST"])
@ratelimits.invitations
@login_required
def invite(job_id: int, ref: str):
    membership, job = _job_of_agency(job_id)
    found = candidates.candidate(job, membership.agency, ref)
    if found is None:
        abort(404)
    form = InviteForm()
    if not form.validate_on_submit():
        return _detail(job, membership.agency, found, form, 400)
    if not run_action(
        lambda: candidates.invite(job, membership.agency, ref, form.message.data, current_user),
        f"{found.reference} is invited to apply for {job.title}.",
        errors=form.form_errors,  # refused (e.g. the daily limit): the typed message stays
    ):
        return _detail(job, membership.agency, found, form, 400)
    return redirect(url_for("matching.candidates_list", job_id=job.id))


@bp.route(f"/agency/jobs/<int:job_id>/candidates/{REF}/not-a-fit", methods=["POST"])
@login_required
def not_a_fit(job_id: int, ref: str):
    membership, job = _job_of_agency(job_id)
    found = candidates.candidate(job, membership.agency, ref)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: candidates.reject(job, membership.agency, ref, current_user),
        f"{found.reference} will not be suggested again for {job.title}.",
    )
    return redirect(url_for("matching.candidates_list", job_id=job.id))
