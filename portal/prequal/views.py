"""Pre-qualified lists: agencies run and screen them and search their members; seekers
find open lists, join, and manage their memberships and job invitations."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from portal import numbers, ratelimits
from portal.actions import run_action
from portal.agencies.permissions import require_membership
from portal.auth.permissions import require_role, safe_back
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.jobs import signals as jobs_signals
from portal.models import (
    Agency,
    Credential,
    Job,
    JobInvitation,
    JobShare,
    ListMember,
    Occupation,
    PrequalList,
    Region,
)
from portal.models.seekers import DAY_PARTS, WEEKDAYS
from portal.prequal import forms, services
from portal.timeutil import today_pacific

bp = Blueprint("prequal", __name__)


def _choices() -> dict:
    return {
        "occupations": db.session.scalars(select(Occupation).order_by(Occupation.noc_code)),
        "regions": db.session.scalars(select(Region).order_by(Region.name)),
        "credentials": db.session.scalars(select(Credential).order_by(Credential.name)),
    }


def require_running_list(list_id: int, lead: bool = False):
    """The list, if the agency the user acts for runs it (or leads it); else 404."""
    membership = require_membership()
    plist = db.get_or_404(PrequalList, list_id)
    if not plist.is_running_agency(membership.agency_id) or (
        lead and plist.agency_id != membership.agency_id
    ):
        abort(404)
    return membership, plist


# Agencies -----------------------------------------------------------------------------


@bp.route("/agency/lists")
@login_required
def agency_lists():
    membership = require_membership()
    return render_template(
        "prequal/agency_lists.html",
        agency=membership.agency,
        lists=services.lists_of_agency(membership.agency_id),
    )


def _list_form_page(form: forms.ListForm, save, plist=None):
    saved = []  # the new list, or None when ``plist`` was updated
    if form.validate_on_submit() and run_action(
        lambda: saved.append(save(form.list_data())), "The list is saved.", errors=form.form_errors
    ):
        return redirect(url_for("prequal.screen", list_id=(saved[0] or plist).id))
    return render_template(
        "prequal/edit.html", form=form, plist=plist, question_slots=range(forms.MAX_QUESTIONS)
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/agency/lists/new", methods=["GET", "POST"])
@login_required
def new_list():
    membership = require_membership()
    return _list_form_page(
        forms.ListForm(), lambda data: services.create_list(membership.agency, data, current_user)
    )


@bp.route("/agency/lists/<int:list_id>/edit", methods=["GET", "POST"])
@login_required
def edit_list(list_id: int):
    _, plist = require_running_list(list_id, lead=True)
    form = forms.ListForm()
    if not form.is_submitted():
        form.load(plist)
    return _list_form_page(
        form, lambda data: services.update_list(plist, data, current_user), plist
    )


@bp.route("/agency/lists/<int:list_id>")
@login_required
def screen(list_id: int):
    membership, plist = require_running_list(list_id)
    return _screen_page(membership, plist, request.args.get("status", "applied"))


def _screen_page(membership, plist: PrequalList, status: str, failed=None, failed_form=None):
    """The screening page on the ``status`` tab; ``failed_form`` is the refused decision on
    the member ``failed``, shown in that member's form with its errors."""
    members = db.session.scalars(
        select(ListMember)
        .where(ListMember.list_id == plist.id, ListMember.status == status)
        .order_by(ListMember.applied_at)
    ).all()
    q = request.args.get("q", "").strip()
    found = []
    if q and plist.agency_id == membership.agency_id:
        found = services.partner_candidates(plist, q)
    return render_template(
        "prequal/screen.html",
        plist=plist,
        members=members,
        status=status,
        lead=plist.agency_id == membership.agency_id,
        q=q,
        found=found,
        decide_form=forms.DecideForm(),
        failed_id=failed.id if failed else None,
        failed_form=failed_form,
        partner_form=forms.PartnerForm(),
        action_form=ConfirmForm(),
    )


@bp.route("/agency/lists/<int:list_id>/partners", methods=["POST"])
@ratelimits.invitations
@login_required
def add_partner(list_id: int):
    _, plist = require_running_list(list_id, lead=True)
    form = forms.PartnerForm()
    partner = db.session.get(Agency, form.agency_id.data) if form.validate_on_submit() else None
    if partner is None:
        flash("Choose an agency.", "danger")
    else:
        run_action(
            lambda: services.add_partner(plist, partner, current_user),
            f"{partner.name} now runs this list with you.",
        )
    return redirect(url_for("prequal.screen", list_id=plist.id))


@bp.route("/agency/lists/<int:list_id>/partners/<int:agency_id>/remove", methods=["POST"])
@login_required
def remove_partner(list_id: int, agency_id: int):
    _, plist = require_running_list(list_id, lead=True)
    partner = db.get_or_404(Agency, agency_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: services.remove_partner(plist, partner, current_user),
        f"{partner.name} no longer runs this list.",
    )
    return redirect(url_for("prequal.screen", list_id=plist.id))


@bp.route("/agency/lists/members/<int:member_id>/decide", methods=["POST"])
@login_required
def decide(member_id: int):
    member = db.get_or_404(ListMember, member_id)
    membership, plist = require_running_list(member.list_id)
    name = member.seeker.name
    form = forms.DecideForm(who=name)
    qualify = form.decision.data == "qualify"
    if form.validate_on_submit() and run_action(
        lambda: services.decide(
            member, qualify, form.reason.data or "", membership.agency, current_user
        ),
        f"{name}: {'qualified' if qualify else 'declined'}.",
        errors=form.form_errors,
    ):
        return redirect(url_for("prequal.screen", list_id=plist.id))
    # refused: the member's tab, their form as sent with the errors beside it; nothing saved
    return _screen_page(membership, plist, member.status, member, form), 400


def _invite_form(agency_id: int) -> forms.InviteForm:
    """Invite to one of the agency's published jobs (its own or one it has a share of)."""
    jobs = db.session.scalars(
        select(Job)
        .join(JobShare)
        .where(
            JobShare.agency_id == agency_id,
            JobShare.status == "accepted",
            Job.status == "published",
        )
        .order_by(Job.title)
    ).all()
    form = forms.InviteForm()
    form.job_id.choices = [SelectChoice(0, "Choose a job…")] + [
        SelectChoice(j.id, j.title) for j in jobs
    ]
    return form


@bp.route("/agency/talent")
@login_required
def talent():
    membership = require_membership()
    args = request.args
    weekday = numbers.arg(args, "day", 0, 6)
    part = args.get("part") if args.get("part") in DAY_PARTS else None
    members = services.search_members(
        membership.agency,
        list_id=numbers.arg(args, "list"),
        region_id=numbers.arg(args, "region"),
        occupation_id=numbers.arg(args, "occupation"),
        credential_id=numbers.arg(args, "credential"),
        weekday=weekday,
        part=part,
    )
    form = _invite_form(membership.agency_id)
    return render_template(
        "prequal/talent.html",
        members=members,
        agency=membership.agency,
        lists=services.visible_lists(membership.agency),
        args=args,
        weekdays=WEEKDAYS,
        parts=DAY_PARTS,
        invite_form=form,
        profiles={m.seeker_id: services.profile_of(m) for m in members},
        **_choices(),
    )


@bp.route("/agency/talent/<int:member_id>/invite", methods=["POST"])
@ratelimits.invitations
@login_required
def invite(member_id: int):
    membership = require_membership()
    member = db.get_or_404(ListMember, member_id)
    if not services.can_invite(membership.agency, member):
        abort(404)
    form = _invite_form(membership.agency_id)
    if not form.validate_on_submit():
        flash("Choose one of your published jobs.", "danger")
    else:
        job = db.session.get(Job, form.job_id.data)
        run_action(
            lambda: services.invite_to_job(
                job, member, membership.agency, form.message.data or "", current_user
            ),
            f"{member.seeker.name} is invited to apply for {job.title}.",
        )
    return redirect(safe_back(request.referrer, url_for("prequal.talent")))


# Seekers and the public -----------------------------------------------------------------


@bp.route("/lists")
def lists():
    occupation = numbers.arg(request.args, "occupation")
    region = numbers.arg(request.args, "region")
    return render_template(
        "prequal/lists.html",
        lists=services.open_lists(occupation, region),
        occupation=occupation,
        region=region,
        **_choices(),
    )


@bp.route("/lists/<int:list_id>")
def show(list_id: int):
    plist = db.get_or_404(PrequalList, list_id)
    if plist.agency.status != "approved":
        abort(404)
    member = (
        services.membership_of(plist, current_user)
        if current_user.is_authenticated and current_user.role == "seeker"
        else None
    )
    return render_template(
        "prequal/show.html",
        plist=plist,
        member=member,
        form=forms.join_form_for(plist.questions or []),
        intake_open=plist.intake_open(today_pacific()),
        today=today_pacific(),
        consent_text=services.CONSENT_TEXT,
    )


@bp.route("/lists/<int:list_id>/join", methods=["POST"])
@require_role("seeker")
def join(list_id: int):
    plist = db.get_or_404(PrequalList, list_id)
    if plist.agency.status != "approved":
        abort(404)
    questions = plist.questions or []
    form = forms.join_form_for(questions)
    if form.validate_on_submit():
        answers = {i: form[f"a_{i}"].data or "" for i in range(len(questions))}
        try:
            joined = run_action(
                lambda: services.join(plist, current_user, answers, bool(form.consent.data)),
                "Your application to join the list is sent. You will get an email when "
                "it is screened.",
                errors=form.form_errors,
            )
        except IntegrityError:  # a double submit raced the first: one membership stands
            db.session.rollback()
            joined = True
        if joined:
            return redirect(url_for("prequal.my_lists"))
    return render_template(
        "prequal/show.html",
        plist=plist,
        member=None,
        form=form,
        intake_open=plist.intake_open(today_pacific()),
        today=today_pacific(),
        consent_text=services.CONSENT_TEXT,
    ), 400


@bp.route("/my-lists")
@require_role("seeker")
def my_lists():
    members = db.session.scalars(
        select(ListMember)
        .where(ListMember.seeker_id == current_user.id)
        .order_by(ListMember.applied_at.desc())
    ).all()
    return render_template(
        "prequal/my_lists.html", members=members, form=ConfirmForm(), days_left=services.days_left
    )


def _own(model: type[ListMember | JobInvitation], row_id: int) -> ListMember | JobInvitation:
    """The signed-in seeker's own membership or invitation; someone else's answers 404."""
    return db.first_or_404(
        select(model).where(model.id == row_id, model.seeker_id == current_user.id)
    )


@bp.route("/my-lists/<int:member_id>/<any(pause, resume, leave):action>", methods=["POST"])
@require_role("seeker")
def member_action(member_id: int, action: str):
    member = _own(ListMember, member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    messages = {
        "pause": "Paused: agencies no longer see you on this list.",
        "resume": "Welcome back: agencies see you on this list again.",
        "leave": "You left the list; agencies no longer see you on it.",
    }
    run_action(lambda: services.set_own_status(member, action, current_user), messages[action])
    return redirect(url_for("prequal.my_lists"))


@bp.route("/job-invitations")
@require_role("seeker")
def invitations():
    found = db.session.scalars(
        select(JobInvitation)
        .where(JobInvitation.seeker_id == current_user.id)
        .order_by(JobInvitation.created_at.desc())
    ).all()
    # matching adds each job's chart (``match_charts``) through the jobs page signal
    extras = jobs_signals.page_extras("invitations", invitations=found)
    return render_template(
        "prequal/invitations.html", invitations=found, form=ConfirmForm(), **extras
    )


@bp.route("/job-invitations/<int:invitation_id>/<any(accept, decline):action>", methods=["POST"])
@require_role("seeker")
def respond(invitation_id: int, action: str):
    invitation = _own(JobInvitation, invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reason = request.form.get("reason") or ""
    if not run_action(
        lambda: services.respond_invitation(invitation, action == "accept", reason),
        "Invitation accepted: apply below." if action == "accept" else "Invitation declined.",
    ):
        return redirect(url_for("prequal.invitations"))
    if action == "accept":
        return redirect(url_for("applications.apply", job_id=invitation.job_id))
    return redirect(url_for("prequal.invitations"))
