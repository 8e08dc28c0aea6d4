"""Seekers' matching pages: recommended jobs with their charts and "Not interested"."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from portal import numbers
from portal.actions import commit, run_action
from portal.auth.permissions import require_role
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.matching import recommend
from portal.matching.blueprint import bp
from portal.models import Job, Region
from portal.models.jobs import EMPLOYMENT_TYPES

POOLED_CHOICES = {"yes": True, "no": False}


class DismissForm(FlaskForm):
    reason = TextAreaField(
        "Why not?",
        validators=[
            Length(max=recommend.REASON_MAX, message="Keep the reason under 500 characters.")
        ],
        render_kw={"rows": 2},
    )


def _filters() -> dict:
    """The filters of the query string; a bad value is ignored."""
    region_id = numbers.arg(request.args, "region")
    if region_id is not None and db.session.get(Region, region_id) is None:
        region_id = None
    kind = request.args.get("type", "")
    pooled = request.args.get("pooled", "")
    return {
        "region_id": region_id,
        "employment_type": kind if kind in EMPLOYMENT_TYPES else None,
        "pooled": POOLED_CHOICES.get(pooled),
    }


def _published(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if job.status != "published":
        abort(404)
    return job


def _recommended_page(form: DismissForm, failed_job_id: int | None = None):
    filters = _filters()
    result = recommend.recommended(current_user, page=numbers.page(request.args), **filters)
    commit()  # a profile's first matches, stored when it never had any
    return render_template(
        "matching/recommended.html",
        result=result,
        filters=filters,
        regions=db.session.scalars(db.select(Region).order_by(Region.name)).all(),
        employment_types=EMPLOYMENT_TYPES,
        form=form,
        failed_job_id=failed_job_id,
    )


@bp.route("/recommended")
@require_role("seeker")
def recommended():
    return _recommended_page(DismissForm(formdata=None))


@bp.route("/recommended/<int:job_id>/not-interested", methods=["POST"])
@require_role("seeker")
def not_interested(job_id: int):
    job = _published(job_id)
    form = DismissForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _recommended_page(form, job.id), 400  # the typed reason is kept
    run_action(
        lambda: recommend.dismiss(current_user, job, form.reason.data or ""),
        f"“{job.title}” will not be recommended to you again.",
    )
    return redirect(url_for("matching.recommended"))


@bp.route("/recommended/<int:job_id>/restore", methods=["POST"])
@require_role("seeker")
def restore(job_id: int):
    dismissal = recommend.dismissal_of(current_user, job_id)
    if dismissal is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = dismissal.job
    run_action(
        lambda: recommend.undo_dismiss(current_user, job),
        f"“{job.title}” may be recommended to you again.",
    )
    return redirect(url_for("matching.dismissed"))


@bp.route("/recommended/not-interested")
@require_role("seeker")
def dismissed():
    return render_template(
        "matching/dismissed.html",
        dismissals=recommend.dismissed(current_user),
        form=ConfirmForm(),
    )
