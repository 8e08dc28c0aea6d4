"""Pooling opportunities: an agency's part-time job's nearby partners and the proposals
to pool (``portal/matching/pooling.py``). Agency staff only; a job or a proposal of
another agency is not found (404)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from portal import ratelimits
from portal.actions import run_action
from portal.agencies.permissions import require_membership
from portal.extensions import db
from portal.forms import ConfirmForm, IdField
from portal.jobs.permissions import require_agency_job
from portal.matching import pooling
from portal.matching.blueprint import bp
from portal.models import Job
from portal.models.matching import PoolingProposal
from portal.pools.services import full_time_hours


class ProposeForm(FlaskForm):
    partner_job_id = IdField(message="Choose a job to pool with.")
    message = TextAreaField(
        "Message to the other agency",
        validators=[Length(max=pooling.MESSAGE_MAX, message="Keep the message shorter.")],
    )


@bp.app_template_global("pooling_proposals_waiting")
def pooling_proposals_waiting(agency_id: int) -> int:
    """The number of open proposals an agency received (its home page's notice)."""
    return pooling.waiting_count(agency_id)


@bp.route("/agency/jobs/<int:job_id>/pooling")
@login_required
def pooling_page(job_id: int):
    membership, job = require_agency_job(job_id)
    return _page(job, membership.agency, ProposeForm())


def _page(job: Job, agency, form: ProposeForm, status: int = 200):
    return render_template(
        "matching/pooling.html",
        job=job,
        refusal=pooling.refusal(job),
        own_blocks=pooling.blocks_of(job),
        found=pooling.opportunities(job, agency),
        sent=pooling.sent_for(job),
        form=form,
        action_form=ConfirmForm(),
        full_time=full_time_hours(),
    ), status


@bp.route("/agency/jobs/<int:job_id>/pooling/propose", methods=["POST"])
@ratelimits.invitations
@login_required
def pooling_propose(job_id: int):
    membership, job = require_agency_job(job_id)
    form = ProposeForm()
    if not form.validate_on_submit() or form.partner_job_id.data is None:
        if form.csrf_token.errors:
            abort(400)
        flash(next(iter(form.message.errors), None) or pooling.CHOOSE_A_JOB, "danger")
        return redirect(url_for("matching.pooling_page", job_id=job.id))
    partner_job = db.session.get(Job, form.partner_job_id.data)
    if not pooling.is_public_partner(partner_job):  # a draft or hidden job is never named
        flash(pooling.CHOOSE_A_JOB, "danger")
    else:
        run_action(
            lambda: pooling.propose(
                job, partner_job, membership.agency, form.message.data or "", current_user
            ),
            f"Your proposal was sent to {partner_job.agency.name}; its owners were emailed.",
        )
    return redirect(url_for("matching.pooling_page", job_id=job.id))


@bp.route("/agency/pooling")
@login_required
def pooling_proposals():
    membership = require_membership()
    received, sent = pooling.proposals_for(membership.agency)
    return render_template(
        "matching/pooling_proposals.html",
        agency=membership.agency,
        received=received,
        sent=sent,
        action_form=ConfirmForm(),
    )


ANSWERS = {
    "accept": (
        "partner_agency_id",
        lambda p: pooling.respond(p, True, current_user),
        "Accepted: the two postings are now one pooled position.",
    ),
    "decline": (
        "partner_agency_id",
        lambda p: pooling.respond(p, False, current_user),
        "You declined the proposal.",
    ),
    "withdraw": (
        "agency_id",
        lambda p: pooling.withdraw(p, current_user),
        "Your proposal is withdrawn.",
    ),
}


@bp.route(
    "/agency/pooling/<int:proposal_id>/<any(accept, decline, withdraw):action>",
    methods=["POST"],
)
@login_required
def pooling_answer(proposal_id: int, action: str):
    """The receiving agency accepts or declines; the proposing agency withdraws."""
    membership = require_membership()
    proposal = db.get_or_404(PoolingProposal, proposal_id)
    side, do, message = ANSWERS[action]
    if getattr(proposal, side) != membership.agency_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(lambda: do(proposal), message)
    return redirect(url_for("matching.pooling_proposals"))
