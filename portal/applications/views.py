"""Applying and the seeker's applications; the agency's screening questions, applicant
pipeline, email wording and alert preference."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from portal import numbers, ratelimits
from portal.actions import commit, run_action
from portal.agencies.permissions import require_membership
from portal.applications import forms, services
from portal.applications.permissions import (
    require_agency_application,
    require_job_question,
    require_own_application,
)
from portal.auth.permissions import require_role, safe_back
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.jobs.permissions import require_agency_job
from portal.models import Application, ApplicationDecision, Job, JobShare, User
from portal.models.applications import MESSAGE_KINDS, OPEN_STATUSES, STATUSES
from portal.queries import contains

bp = Blueprint("applications", __name__)


@bp.app_template_global("jobs_with_new_applicants")
def jobs_with_new_applicants(agency_id: int) -> int:
    """For the agency home's "Waiting for you"."""
    return services.jobs_with_new_applicants(agency_id)


# Seekers ------------------------------------------------------------------------------


@bp.route("/jobs/<int:job_id>/apply", methods=["GET", "POST"])
@ratelimits.apply
@require_role("seeker")
def apply(job_id: int):
    job = db.get_or_404(Job, job_id)
    if job.status == "draft" or job.agency.status != "approved":
        abort(404)
    existing = services.application_of(job, current_user)
    if existing is not None:
        flash("You have already applied for this job.", "info")
        return redirect(url_for("applications.detail", application_id=existing.id))
    questions = services.questions_of(job)
    form = forms.apply_form_for(questions)
    status = 200
    if form.validate_on_submit():
        try:
            run_action(
                lambda: services.apply(
                    job, current_user, form.cover_note.data or "", forms.answers_of(form, questions)
                ),
                "Your application was sent. You will get an email confirmation.",
                errors=form.form_errors,
            )
        except IntegrityError:  # a second submit raced the first: one application stands
            db.session.rollback()
        # sent now, or already (AlreadyApplied, or the race above): show the application
        sent = services.application_of(job, current_user)
        if sent is not None:
            return redirect(url_for("applications.detail", application_id=sent.id))
        status = 400
    elif form.is_submitted():
        status = 400
    problem = services.why_cannot_apply(job, current_user)
    if problem and form.is_submitted() and problem not in form.form_errors:
        form.form_errors.append(problem)
        status = 400
    return render_template(
        "applications/apply.html",
        job=job,
        form=form,
        problem=problem,
        questions=questions,
        profile=services.profile_of(current_user.id),
    ), status


@bp.route("/applications")
@require_role("seeker")
def mine():
    applications = db.session.scalars(
        select(Application)
        .where(Application.seeker_id == current_user.id)
        .order_by(Application.submitted_at.desc())
    ).all()
    return render_template("applications/mine.html", applications=applications)


@bp.route("/applications/<int:application_id>")
@require_role("seeker")
def detail(application_id: int):
    application = require_own_application(application_id)
    return render_template("applications/detail.html", application=application, form=ConfirmForm())


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@require_role("seeker")
def withdraw(application_id: int):
    application = require_own_application(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: services.withdraw(application, current_user),
        "Your application is withdrawn; the agency sees it as withdrawn.",
    )
    return redirect(url_for("applications.detail", application_id=application.id))


# Agencies: screening questions --------------------------------------------------------


def _question_page(job: Job, form: forms.QuestionForm, save, done: str, editing=None):
    """Save a valid question form with ``save(data)``; else show the list and the form."""
    if form.validate_on_submit() and run_action(
        lambda: save(form.question_data()), done, errors=form.form_errors
    ):
        return redirect(url_for("applications.questions", job_id=job.id))
    return render_template(
        "applications/questions.html",
        job=job,
        form=form,
        questions=services.questions_of(job),
        action_form=ConfirmForm(),
        editing=editing,
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/agency/jobs/<int:job_id>/questions", methods=["GET", "POST"])
@login_required
def questions(job_id: int):
    _, job = require_agency_job(job_id)
    return _question_page(
        job,
        forms.QuestionForm(),
        lambda data: services.add_question(job, data, current_user),
        "Question added.",
    )


@bp.route("/agency/jobs/<int:job_id>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(job_id: int, question_id: int):
    _, job, question = require_job_question(job_id, question_id)
    form = forms.QuestionForm(obj=None if request.method == "POST" else question)
    if request.method == "GET":
        form.knockout_answer.data = question.knockout_answer or ""
    return _question_page(
        job,
        form,
        lambda data: services.update_question(question, data, current_user),
        "Question saved.",
        editing=question,
    )


@bp.route(
    "/agency/jobs/<int:job_id>/questions/<int:question_id>/<any(up, down):direction>",
    methods=["POST"],
)
@login_required
def move_question(job_id: int, question_id: int, direction: str):
    _, job, question = require_job_question(job_id, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.move_question(question, -1 if direction == "up" else 1)
    commit()
    return redirect(url_for("applications.questions", job_id=job.id))


@bp.route("/agency/jobs/<int:job_id>/questions/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(job_id: int, question_id: int):
    _, job, question = require_job_question(job_id, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_question(question, current_user)
    commit()
    flash("Question deleted. Answers already received keep the question's text.", "success")
    return redirect(url_for("applications.questions", job_id=job.id))


# Agencies: the pipeline ---------------------------------------------------------------

SORTS = {
    "newest": (Application.submitted_at.desc(),),
    "oldest": (Application.submitted_at.asc(),),
    "name": (func.lower(User.name), Application.id),
    "updated": (ApplicationDecision.updated_at.desc(),),
}


@bp.route("/agency/jobs/<int:job_id>/applicants")
@login_required
def pipeline(job_id: int):
    membership, job = require_agency_job(job_id, lead_only=False)
    status = request.args.get("status", "")
    knockout = request.args.get("knockout", "")
    q = request.args.get("q", "").strip()
    sort = request.args.get("sort", "newest")
    sort = sort if sort in SORTS else "newest"
    query = (
        select(ApplicationDecision)
        .join(ApplicationDecision.application)
        .join(Application.seeker)
        .join(JobShare, ApplicationDecision.share_id == JobShare.id)
        .where(JobShare.job_id == job.id, ApplicationDecision.agency_id == membership.agency_id)
    )
    if status == "open":
        query = query.where(ApplicationDecision.status.in_(OPEN_STATUSES))
    elif status in STATUSES:
        query = query.where(ApplicationDecision.status == status)
    if knockout in ("passed", "out"):
        query = query.where(Application.knocked_out.is_(knockout == "out"))
    if q:
        query = query.where(contains(User.name, q))
    query = query.options(  # one query per relation for the page, not one per row
        contains_eager(ApplicationDecision.application).contains_eager(Application.seeker),
        contains_eager(ApplicationDecision.application).selectinload(Application.answers),
        contains_eager(ApplicationDecision.application).selectinload(Application.resume),
    )
    page = db.paginate(query.order_by(*SORTS[sort]), page=numbers.page(request.args), per_page=50)
    counts = dict(
        db.session.execute(
            select(ApplicationDecision.status, func.count())
            .join(JobShare, ApplicationDecision.share_id == JobShare.id)
            .where(JobShare.job_id == job.id, ApplicationDecision.agency_id == membership.agency_id)
            .group_by(ApplicationDecision.status)
        ).all()
    )
    return render_template(
        "applications/pipeline.html",
        job=job,
        page=page,
        counts=counts,
        status=status,
        knockout=knockout,
        q=q,
        sort=sort,
        statuses=STATUSES,
        bulk_form=forms.BulkStatusForm(),
        questions=services.questions_of(job),
    )


@bp.route("/agency/jobs/<int:job_id>/applicants/bulk", methods=["POST"])
@login_required
def bulk(job_id: int):
    membership, job = require_agency_job(job_id, lead_only=False)
    form = forms.BulkStatusForm()
    ids = numbers.ids(request.form.getlist("application_id"))
    back = redirect(
        safe_back(request.form.get("back"), url_for("applications.pipeline", job_id=job.id))
    )
    if not form.validate_on_submit():
        flash("Choose a status for the selected applicants.", "danger")
        return back
    if not ids:
        flash("Select at least one applicant.", "warning")
        return back
    decisions = db.session.scalars(
        select(ApplicationDecision)
        .join(JobShare, ApplicationDecision.share_id == JobShare.id)
        .where(
            ApplicationDecision.application_id.in_(ids),
            JobShare.job_id == job.id,
            ApplicationDecision.agency_id == membership.agency_id,
        )
        .order_by(ApplicationDecision.id)
    ).all()
    changed, skipped = services.bulk_change(
        decisions, form.status.data, current_user, form.message.data or ""
    )
    commit()  # hiring may have filled the job
    flash(
        f"Moved {changed} applicant{'s' if changed != 1 else ''} to "
        f"“{STATUSES[form.status.data]}”.",
        "success" if changed else "warning",
    )
    for reason in skipped[:5]:
        flash(f"Skipped: {reason}", "warning")
    return back


@bp.route("/agency/applications/<int:application_id>")
@login_required
def review(application_id: int):
    membership, application, decision = require_agency_application(application_id)
    return render_template(
        "applications/review.html",
        application=application,
        decision=decision,
        notes=services.notes_of(application, membership.agency_id),
        status_form=forms.StatusForm(status=_next_status(decision.status)),
        note_form=forms.NoteForm(),
        # partners in a pooled job see each other's decisions on its applicants
        events=application.events,
        partners=[d for d in application.decisions if d.agency_id != membership.agency_id],
    )


def _next_status(status: str) -> str:
    order = ("new", "screening", "interview", "offer", "hired")
    return order[order.index(status) + 1] if status in order[:-1] else "screening"


@bp.route("/agency/applications/<int:application_id>/status", methods=["POST"])
@login_required
def change_status(application_id: int):
    _, application, decision = require_agency_application(application_id)
    form = forms.StatusForm()
    if not form.validate_on_submit():
        flash("Choose a status from the list.", "danger")
    else:

        def moved() -> str:
            filled = decision.share.filled_at and form.status.data == "hired"
            note = " The position is filled." if filled else ""
            return f"{application.seeker.name} moved to “{STATUSES[form.status.data]}”." + note

        run_action(  # hiring may have filled the job
            lambda: services.change_status(
                decision, form.status.data, current_user, form.message.data or ""
            ),
            moved,
        )
    return redirect(url_for("applications.review", application_id=application.id))


@bp.route("/agency/applications/<int:application_id>/notes", methods=["POST"])
@login_required
def add_note(application_id: int):
    membership, application, _ = require_agency_application(application_id)
    form = forms.NoteForm()
    if form.validate_on_submit():
        services.add_note(application, membership.agency_id, current_user, form.body.data)
        commit()
        flash("Note saved.", "success")
    else:
        flash("Write the note first.", "danger")
    return redirect(url_for("applications.review", application_id=application.id) + "#notes")


@bp.route("/agency/applications/<int:application_id>/resume")
@login_required
def resume(application_id: int):
    """The résumé exactly as it was sent with the application; every opening is recorded."""
    from portal.seekers import resumes

    membership, application, _ = require_agency_application(application_id)
    resumes.record_view(application.resume, current_user, membership.agency)
    commit()
    return resumes.send(application.resume)


# Agencies: wording of emails, alerts --------------------------------------------------


@bp.route("/agency/messages", methods=["GET", "POST"])
@login_required
def messages():
    membership = require_membership("owner")
    form = forms.MessagesForm()
    if form.validate_on_submit():
        for kind in MESSAGE_KINDS:
            services.save_message(membership.agency_id, kind, form[kind].data or "")
        commit()
        flash("The wording of your emails to applicants is saved.", "success")
        return redirect(url_for("applications.messages"))
    if not form.is_submitted():
        for kind in MESSAGE_KINDS:
            form[kind].data = services.message_text(membership.agency_id, kind)
    return render_template(
        "applications/messages.html",
        form=form,
        agency=membership.agency,
        kinds=MESSAGE_KINDS,
        defaults=services.DEFAULT_MESSAGES,
    )


@bp.route("/agency/alerts", methods=["GET", "POST"])
@login_required
def alerts():
    membership = require_membership()
    form = forms.AlertsForm(obj=membership)
    if form.validate_on_submit():
        membership.application_alerts = form.application_alerts.data
        commit()
        flash("Your email preference is saved.", "success")
        return redirect(url_for("applications.alerts"))
    return render_template(
        "applications/alerts.html", form=form, agency=membership.agency
    ), 400 if form.errors else 200
