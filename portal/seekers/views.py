"""The seeker's profile, résumé and saved jobs; agencies' view of a visible profile.

Who may use what:
- ``/profile…``, ``/saved-jobs``, ``/jobs/<id>/save|unsave``: job seekers only (403 otherwise).
- Before any page of a signed-in seeker whose profile was visible under an older consent
  statement: ``/profile/consent`` first (``ask_consent_again``).
- ``/agency/people…``: staff of an approved agency; a profile or résumé only when
  ``agency_can_view_seeker`` (else 404). Staff of an agency awaiting approval are told
  they can search once it is approved.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import numbers
from portal.actions import commit, run_action
from portal.agencies.permissions import require_membership
from portal.auth.permissions import require_role, safe_next
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models import Job, Occupation, Region
from portal.models.seekers import DAY_PARTS, HOURS_WANTED
from portal.security_headers import is_static_file
from portal.seekers import consent, forms, resumes, services
from portal.seekers.permissions import applied_to_agency, require_viewable_seeker

bp = Blueprint("seekers", __name__)


# The seeker's own profile ----------------------------------------------------------------


def _profile_page(profile, form, visibility_form, status: int = 200):
    return render_template(
        "seekers/profile.html",
        profile=profile,
        form=form,
        visibility_form=visibility_form,
        statement=consent.current(),
        visible=consent.is_visible(profile),
        last_consent=services.last_consent(current_user),
        weekdays=forms.WEEKDAY_NAMES,
        day_parts=DAY_PARTS,
        part_labels=forms.DAY_PART_LABELS,
        slot_value=forms.slot_value,
    ), status


def _visibility_form(profile):
    return forms.VisibilityForm(
        formdata=None, visibility="agencies" if consent.is_visible(profile) else "private"
    )


@bp.route("/profile", methods=["GET", "POST"])
@require_role("seeker")
def profile():
    profile = services.get_or_create_profile(current_user)
    form = forms.ProfileForm()
    if not form.is_submitted():
        commit()  # the empty profile, on the first visit
        form.load(profile)
    elif form.validate() and run_action(
        lambda: services.update_profile(profile, form.profile_data()),
        "Your profile is saved.",
        errors=form.form_errors,
    ):
        return redirect(url_for("seekers.profile"))
    status = 400 if form.is_submitted() else 200
    return _profile_page(profile, form, _visibility_form(profile), status)


@bp.route("/profile/visibility", methods=["POST"])
@require_role("seeker")
def visibility():
    profile = services.get_or_create_profile(current_user)
    form = forms.VisibilityForm()
    if form.validate_on_submit():
        if form.visibility.data == "agencies":
            services.make_visible(profile, current_user)
            message = "Your profile is now visible to approved agencies."
        else:
            services.make_private(profile, current_user)
            message = "Your profile is private: agencies can no longer find it."
        commit()
        flash(message, "success")
        return redirect(url_for("seekers.profile") + "#visibility")
    profile_form = forms.ProfileForm(formdata=None)
    profile_form.load(profile)
    return _profile_page(profile, profile_form, form, 400)


# A new version of the consent statement ---------------------------------------------------

# what a seeker asked to answer a new statement may still open first (and the JSON API,
# whose clients are programs, under /api/)
NOT_ASKED_ON = {
    "seekers.consent",
    "auth.logout",
    "pages.privacy",
    "privacy.export",
    "privacy.delete",
}


@bp.before_app_request
def ask_consent_again():
    """Before every page: a signed-in seeker whose profile was visible under an older
    consent statement (hidden from agencies until they answer) is sent to answer the
    current one, and then back to the page they asked for."""
    endpoint = request.endpoint
    if (
        endpoint is None
        or endpoint in NOT_ASKED_ON
        or is_static_file(endpoint)
        or request.path.startswith("/api/")
        or not current_user.is_authenticated
        or current_user.role != "seeker"
        or services.consent_to_renew(current_user) is None
    ):
        return None
    back = safe_next(request.full_path.rstrip("?")) if request.method in ("GET", "HEAD") else None
    return redirect(url_for("seekers.consent", next=back))


@bp.route("/profile/consent", methods=["GET", "POST"], endpoint="consent")
@require_role("seeker")
def consent_again():
    """The new statement, what changed since the one the seeker agreed to, and two
    answers: agree (a new consent record; the profile is visible again) or keep the
    profile hidden (the old consent is withdrawn)."""
    back = safe_next(request.args.get("next")) or url_for("pages.dashboard")
    old = services.consent_to_renew(current_user)
    if old is None:  # nothing to answer (any more)
        return redirect(back)
    form = forms.ConsentRenewalForm()
    if form.validate_on_submit():
        profile = services.get_or_create_profile(current_user)
        if form.agree.data:
            services.make_visible(profile, current_user)
            message = "Thank you: your profile stays visible to approved agencies."
        else:
            services.make_private(profile, current_user)
            message = (
                "Your profile is hidden: agencies can no longer find it. You can make it "
                "visible again on your profile page."
            )
        commit()
        flash(message, "success")
        return redirect(back)
    return render_template(
        "seekers/consent.html",
        form=form,
        statement=consent.current(),
        old=old,
        changes=consent.since(old.version),
        back=safe_next(request.args.get("next")),
    ), 400 if form.is_submitted() else 200


# Résumés ---------------------------------------------------------------------------------


@bp.route("/profile/resume", methods=["GET", "POST"])
@require_role("seeker")
def resume():
    form = forms.ResumeForm()
    if form.validate_on_submit() and run_action(
        lambda: services.attach_resume(current_user, form.file.data),
        "Your résumé is uploaded. It is sent with the applications you make from now on.",
        errors=form.file.errors,
    ):
        return redirect(url_for("seekers.resume"))
    return render_template(
        "seekers/resume.html",
        form=form,
        profile=services.profile_of(current_user.id),
        sent=services.resumes_sent(current_user),
        views=services.resume_views(current_user),
        candidate_views=services.candidate_views(current_user),
        remove_form=ConfirmForm(),
        max_mb=resumes.max_megabytes(),
    ), 400 if form.is_submitted() else 200


@bp.route("/profile/resume/remove", methods=["POST"])
@require_role("seeker")
def remove_resume():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    profile = services.get_or_create_profile(current_user)
    run_action(
        lambda: services.remove_resume(profile, current_user),
        "Your résumé is removed from your profile. Copies sent with applications "
        "stay with those applications.",
        refusal_category="info",
    )
    return redirect(url_for("seekers.resume"))


@bp.route("/profile/resumes/<int:resume_id>/file")
@require_role("seeker")
def resume_file(resume_id: int):
    resume = services.own_resume(current_user, resume_id) or abort(404)
    return resumes.send(resume)


# Saved jobs ------------------------------------------------------------------------------


def _back_to(job: Job):
    return redirect(safe_next(request.form.get("next")) or url_for("jobs.show", job_id=job.id))


@bp.route("/jobs/<int:job_id>/save", methods=["POST"])
@require_role("seeker")
def save_job(job_id: int):
    job = db.get_or_404(Job, job_id)
    if not services.can_be_seen(job):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    saved = "Job saved. You find it under “Saved jobs”."
    try:
        run_action(lambda: services.save_job(current_user, job), saved, refusal_category="warning")
    except IntegrityError:  # saved at the same moment by another request: already saved
        db.session.rollback()
        flash(saved, "success")
    return _back_to(job)


@bp.route("/jobs/<int:job_id>/unsave", methods=["POST"])
@require_role("seeker")
def unsave_job(job_id: int):
    job = db.get_or_404(Job, job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unsave_job(current_user, job)
    commit()
    flash("Job removed from your saved jobs.", "success")
    return _back_to(job)


@bp.route("/saved-jobs")
@require_role("seeker")
def saved_jobs():
    return render_template(
        "seekers/saved_jobs.html",
        saved=services.saved_jobs(current_user),
        is_open=services.is_open,
        can_be_seen=services.can_be_seen,
        form=ConfirmForm(),
    )


# Agencies: visible profiles ----------------------------------------------------------------


@bp.route("/agency/people")
@login_required
def people():
    membership = require_membership()
    agency = membership.agency
    if not agency.is_approved:
        return render_template("seekers/people.html", agency=agency, page=None)
    occupation = numbers.arg(request.args, "occupation")
    region = numbers.arg(request.args, "region")
    hours = request.args.get("hours", "")
    page = db.paginate(
        services.visible_profiles(occupation, region, hours),
        page=numbers.page(request.args),
        per_page=20,
    )
    return render_template(
        "seekers/people.html",
        agency=agency,
        page=page,
        chosen={"occupation": occupation, "region": region, "hours": hours},
        occupations=db.session.scalars(select(Occupation).order_by(Occupation.noc_code)),
        regions=db.session.scalars(select(Region).order_by(Region.name)),
        hours_options=HOURS_WANTED,
    )


@bp.route("/agency/people/<int:user_id>")
@login_required
def person(user_id: int):
    membership = require_membership()
    seeker = require_viewable_seeker(membership.agency, user_id)
    profile = services.profile_of(seeker.id)
    return render_template(
        "seekers/person.html",
        seeker=seeker,
        profile=profile,
        applied=applied_to_agency(membership.agency, seeker.id),
        availability=services.availability_summary(profile) if profile else {},
        weekdays=forms.WEEKDAY_NAMES,
        part_labels=forms.DAY_PART_LABELS,
    )


@bp.route("/agency/people/<int:user_id>/resume")
@login_required
def person_resume(user_id: int):
    """The seeker's current résumé; every opening is recorded and shown to the seeker."""
    membership = require_membership()
    seeker = require_viewable_seeker(membership.agency, user_id)
    profile = services.profile_of(seeker.id)
    if profile is None or profile.resume is None:
        abort(404)
    resumes.record_view(profile.resume, current_user, membership.agency)
    commit()
    return resumes.send(profile.resume)
