"""Job search and job pages (public), and the agency's job management."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from portal import numbers, search
from portal.actions import commit, run_action
from portal.agencies.permissions import can_publish, require_membership
from portal.auth.permissions import require_role
from portal.errors import PortalError
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.jobs import forms, listing, services, signals
from portal.jobs.permissions import can_see_unpublished, require_agency_job
from portal.models import Agency, Job
from portal.models.jobs import JOB_STATUSES
from portal.queries import contains
from portal.twofactor.permissions import require_two_step

bp = Blueprint("jobs", __name__)


# Public -------------------------------------------------------------------------------


@bp.route("/jobs")
def index():
    params = search.SearchParams.from_args(request.args)
    result = search.search(params, snippet_source=listing.snippet_source)
    jobs = listing.jobs_by_id(h.job_id for h in result.hits)
    return render_template(
        "jobs/search.html",
        result=result,
        params=params,
        jobs=jobs,
        facets=listing.facet_options(result),
        active_filters=listing.active_filters(params),
        clear_all_args=listing.without_filters(params),
        rebuilding=search.rebuilding(),  # the index is an empty stand-in for a lost one
        **signals.page_extras("index", params=params),  # prequal: open_lists
    )


@bp.route("/jobs/<int:job_id>")
def show(job_id: int):
    job = db.get_or_404(Job, job_id)
    if (job.status == "draft" or not job.agency.is_approved) and not can_see_unpublished(job):
        abort(404)  # drafts, and jobs of agencies not (or no longer) approved
    if services.is_gone(job):
        return render_template("jobs/gone.html", job=job), 410
    if job.status == "published":
        services.count_view(job)
        commit()
    similar = listing.jobs_by_id(
        search.more_like(
            job.id, " ".join([job.title] * 3 + [job.occupation.title, job.description])
        )
    )
    return render_template(
        "jobs/show.html",
        job=job,
        json_ld=listing.json_ld(job),
        save_form=ConfirmForm(),
        staff_view=can_see_unpublished(job),
        similar=list(similar.values()),
        workbc=listing.workbc_url(job.occupation),
        unpublish_form=forms.UnpublishForm(),
        # applications: applied, open_for_applications; seekers: saved; prequal: open_lists
        **signals.page_extras("show", job=job),
    )


# Agency -------------------------------------------------------------------------------


@bp.route("/agency/jobs")
@login_required
def agency_jobs():
    membership = require_membership()
    q, status = request.args.get("q", "").strip(), request.args.get("status", "")
    query = select(Job).where(Job.agency_id == membership.agency_id)
    if q:
        query = query.where(or_(contains(Job.title, q), contains(Job.reference, q)))
    if status in JOB_STATUSES:
        query = query.where(Job.status == status)
    page = db.paginate(
        query.order_by(Job.updated_at.desc()), page=numbers.page(request.args), per_page=25
    )
    return render_template(
        "jobs/agency_list.html",
        page=page,
        q=q,
        status=status,
        statuses=JOB_STATUSES,
        agency=membership.agency,
        form=ConfirmForm(),
        # applications: applicant_counts
        **signals.page_extras("agency_jobs", jobs=page.items, agency_id=membership.agency_id),
    )


@bp.route("/agency/jobs/bulk-close", methods=["POST"])
@login_required
def bulk_close():
    membership = require_membership()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ids = numbers.ids(request.form.getlist("job_id"))
    closed = services.bulk_close(membership.agency, ids, current_user)
    commit()
    flash(f"Closed {closed} job{'s' if closed != 1 else ''}.", "success")
    return redirect(url_for("jobs.agency_jobs"))


def _edit_page(form: forms.JobForm, job: Job | None, agency: Agency, **extra) -> str:
    return render_template(
        "jobs/edit.html",
        form=form,
        job=job,
        agency=agency,
        can_publish=can_publish(agency),
        **extra,
    )


def _after_save(job: Job, form: forms.JobForm):
    """Draft saved (and committed): preview or publish as the button asked."""
    if form.publish.data:
        if run_action(
            lambda: services.publish(job, current_user),
            "The job is published and searchable now.",
            refusal_category="warning",  # the draft is kept
        ):
            return redirect(url_for("jobs.show", job_id=job.id))
        return redirect(url_for("jobs.edit", job_id=job.id))
    if form.preview.data:
        return redirect(url_for("jobs.show", job_id=job.id))
    flash("Saved.", "success")
    return redirect(url_for("jobs.edit", job_id=job.id))


@bp.route("/agency/jobs/new", methods=["GET", "POST"])
@login_required
def new():
    membership = require_membership()
    form = forms.JobForm()
    created = []
    if form.validate_on_submit() and run_action(
        lambda: created.append(
            services.create_draft(membership.agency, form.job_data(), current_user)
        ),
        errors=form.form_errors,
    ):
        return _after_save(created[0], form)
    return _edit_page(form, None, membership.agency)


@bp.route("/agency/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@login_required
def edit(job_id: int):
    membership, job = require_agency_job(job_id)
    form = forms.JobForm()
    if not form.is_submitted():
        form.load(job)
    elif form.validate():
        seen = numbers.whole(form.version_id.data or "") or 0  # not a number: stale
        data = form.job_data()
        if job.status != "draft":  # the "pooled" checkbox is only on a draft's form
            data.pop("pooled")
        stale = []
        try:
            saved = run_action(
                lambda: services.update_job(job, data, seen, current_user),
                errors={services.StaleEdit: stale, PortalError: form.form_errors},
            )
        except StaleDataError:  # another save reached the database first
            db.session.rollback()
            saved, stale = False, [str(services.StaleEdit())]
        if saved:
            return _after_save(job, form)
        if stale:  # the user has now seen the conflict: saving again is deliberate
            form.form_errors.extend(stale)
            form.version_id.data = job.version_id
        return _edit_page(form, job, membership.agency), 409 if stale else 400
    return _edit_page(
        form,
        job,
        membership.agency,
        extend_form=forms.ExtendForm(),
        action_form=ConfirmForm(),
    )


ACTIONS = {
    "publish": (services.publish, "The job is published."),
    "close": (services.close, "The job is closed and no longer in search."),
    "fill": (services.mark_filled, "The job is marked filled."),
}


@bp.route("/agency/jobs/<int:job_id>/<any(publish, close, fill):action>", methods=["POST"])
@login_required
def lifecycle(job_id: int, action: str):
    _, job = require_agency_job(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    do, message = ACTIONS[action]
    run_action(lambda: do(job, current_user), message)
    return redirect(url_for("jobs.edit", job_id=job.id))


@bp.route("/agency/jobs/<int:job_id>/extend", methods=["POST"])
@login_required
def extend(job_id: int):
    _, job = require_agency_job(job_id)
    form = forms.ExtendForm()
    if not form.validate_on_submit():
        flash("Enter a valid new closing date.", "danger")
        return redirect(url_for("jobs.edit", job_id=job.id))
    run_action(
        lambda: services.extend(job, form.closes_on.data, current_user),
        lambda: f"The job now closes on {job.closes_on:%B %-d, %Y}.",
    )
    return redirect(url_for("jobs.edit", job_id=job.id))


@bp.route("/agency/jobs/<int:job_id>/duplicate", methods=["POST"])
@login_required
def duplicate(job_id: int):
    _, job = require_agency_job(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    copy = services.duplicate(job, current_user)
    commit()
    flash("A draft copy was made; edit it and publish when ready.", "success")
    return redirect(url_for("jobs.edit", job_id=copy.id))


# Admin --------------------------------------------------------------------------------


@bp.route("/admin/jobs/<int:job_id>/unpublish", methods=["POST"])
@require_role("admin")
@require_two_step
def unpublish(job_id: int):
    job = db.get_or_404(Job, job_id)
    form = forms.UnpublishForm()
    if form.validate_on_submit():
        run_action(
            lambda: services.unpublish(job, form.reason.data, current_user),
            "The job is unpublished and has left search.",
        )
    else:
        flash("Give a reason: the agency will see it.", "danger")
    return redirect(url_for("jobs.show", job_id=job.id))
