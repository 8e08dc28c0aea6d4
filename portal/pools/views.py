"""Pooled positions: the lead's partner page, each agency's shares."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import numbers, ratelimits
from portal.actions import run_action
from portal.agencies.permissions import require_membership
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.jobs.permissions import require_agency_job
from portal.models import Agency, Region
from portal.pools import forms, services
from portal.pools.permissions import require_share

bp = Blueprint("pools", __name__)


@bp.app_template_global("pool_invitations_waiting")
def pool_invitations_waiting(agency_id: int) -> int:
    """For the agency home's "Waiting for you"."""
    return services.invitations_waiting(agency_id)


@bp.route("/agency/jobs/<int:job_id>/partners")
@login_required
def partners(job_id: int):
    _, job = require_agency_job(job_id)
    if not job.pooled:
        abort(404)
    q = request.args.get("q", "").strip()
    region = numbers.arg(request.args, "region")
    found = services.search_partners(job, q, region) if (q or region) else []
    return render_template(
        "pools/partners.html",
        job=job,
        q=q,
        region=region,
        found=found,
        regions=db.session.scalars(db.select(Region).order_by(Region.name)),
        invite_form=forms.InviteForm(),
        action_form=ConfirmForm(),
    )


@bp.route("/agency/jobs/<int:job_id>/partners/invite", methods=["POST"])
@ratelimits.invitations
@login_required
def invite(job_id: int):
    _, job = require_agency_job(job_id)
    form = forms.InviteForm()
    partner = db.session.get(Agency, form.agency_id.data) if form.validate_on_submit() else None
    if partner is None:
        flash("Choose an agency to invite.", "danger")
    else:
        run_action(
            lambda: services.invite(job, partner, current_user),
            f"{partner.name} is invited; its owners were emailed.",
        )
    return redirect(url_for("pools.partners", job_id=job.id))


@bp.route("/agency/shares")
@login_required
def shares():
    membership = require_membership()
    return render_template(
        "pools/shares.html",
        shares=services.agency_shares(membership.agency_id),
        agency=membership.agency,
    )


@bp.route("/agency/shares/<int:share_id>", methods=["GET", "POST"])
@login_required
def share(share_id: int):
    membership, share = require_share(share_id)
    mine = share.agency_id == membership.agency_id
    form = forms.ShareForm()
    status = 200
    if request.method == "POST":
        if not mine:
            abort(404)
        if form.validate() and run_action(
            lambda: services.update_share(share, form.share_data(), current_user),
            "Your share is saved.",
            errors=form.form_errors,
        ):
            return redirect(url_for("pools.share", share_id=share.id))
        status = 400
    else:
        form.load(share)
    return render_template(
        "pools/share.html",
        share=share,
        job=share.job,
        form=form,
        mine=mine,
        action_form=ConfirmForm(),
    ), status


ACTIONS = {
    "accept": (
        lambda share: services.respond(share, True, current_user),
        "You joined the pooled position. Set your share's schedule and terms below.",
    ),
    "decline": (
        lambda share: services.respond(share, False, current_user),
        "You declined the invitation.",
    ),
    "withdraw": (
        lambda share: services.withdraw(share, current_user),
        "The share is withdrawn; the posting is updated.",
    ),
}


@bp.route("/agency/shares/<int:share_id>/<any(accept, decline, withdraw):action>", methods=["POST"])
@login_required
def act(share_id: int, action: str):
    membership, share = require_share(share_id, own=action != "withdraw")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    do, message = ACTIONS[action]
    run_action(lambda: do(share), message)
    if share.job.agency_id == membership.agency_id and share.agency_id != membership.agency_id:
        return redirect(url_for("pools.partners", job_id=share.job_id))
    return redirect(url_for("pools.share", share_id=share.id))
