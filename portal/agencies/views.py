"""Agency registration, the agency's home page, its details and its staff."""

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from portal import ratelimits
from portal.actions import commit, run_action
from portal.agencies import forms, public, services
from portal.agencies.permissions import (
    can_manage_staff,
    current_membership,
    memberships_of,
    require_member_of_agency,
    require_membership,
)
from portal.auth import services as auth_services
from portal.auth import sessions
from portal.auth.forms import AccountFields
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models import AgencyInvitation, Membership
from portal.models.types import utcnow

bp = Blueprint("agencies", __name__)


@bp.route("/agencies/register", methods=["GET", "POST"])
@ratelimits.register
def register():
    """Anyone may register an agency; a visitor creates their staff account at the same time."""
    if current_user.is_authenticated and current_user.role not in ("agency", "admin"):
        return render_template("agencies/register_not_allowed.html"), 403
    with_account = not current_user.is_authenticated
    form = forms.AgencyWithAccountForm() if with_account else forms.AgencyRegisterForm()
    if form.validate_on_submit():
        if with_account:
            # a registered address gets the same page, and no agency; its owner is told by
            # email (they sign in, then register the agency)
            owner = auth_services.register_or_notify(
                form.full_name.data, form.email.data, form.password.data, role="agency"
            )
            if owner is not None:
                services.register_agency(owner, form.agency_data())
            commit()
            return redirect(url_for("auth.check_email", email=form.email.data))
        agency = services.register_agency(current_user, form.agency_data())
        commit()
        session["agency_id"] = agency.id
        flash(
            f"{agency.name} is registered and waits for approval. You can prepare "
            "your postings meanwhile.",
            "success",
        )
        return redirect(url_for("agencies.home"))
    return render_template("agencies/register.html", form=form, with_account=with_account)


@bp.route("/agencies/<slug>")
def public_page(slug: str):
    """An approved agency's public page: what it does, where, its open jobs and pooled
    positions; any other agency (pending, rejected, suspended) or slug is 404. The static
    ``/agencies/register`` wins over this rule (and no agency gets that slug)."""
    agency = db.first_or_404(public.approved_by_slug(slug))
    jobs, total = public.open_jobs(agency)
    return render_template(
        "agencies/page.html",
        agency=agency,
        about=public.paragraphs(agency.about),
        single=[job for job in jobs if not job.is_pooled],
        pooled=[job for job in jobs if job.is_pooled],
        total=total,
    )


@bp.route("/agency")
@login_required
def home():
    return _home_page(require_membership(), forms.InviteForm())


def _home_page(membership: Membership, invite_form: forms.InviteForm) -> str:
    agency = membership.agency
    return render_template(
        "agencies/home.html",
        membership=membership,
        agency=agency,
        staff=sorted(agency.memberships, key=lambda m: (m.role != "owner", m.user.name)),
        invitations=services.open_invitations(agency) if can_manage_staff(membership) else [],
        invite_form=invite_form,
        action_form=ConfirmForm(),
    )


@bp.route("/agency/edit", methods=["GET", "POST"])
@login_required
def edit():
    membership = require_membership("owner")
    agency = membership.agency
    form = forms.AgencyForm(obj=agency)
    if not form.is_submitted():
        form.cssea_member.data = "yes" if agency.cssea_member else "no"
        form.unionized.data = "yes" if agency.unionized else "no"
        form.cssea_division_id.data = agency.cssea_division_id or 0
    if form.validate_on_submit():
        services.update_agency(agency, form.agency_data(), current_user)
        commit()
        flash("Agency details saved.", "success")
        return redirect(url_for("agencies.home"))
    return render_template("agencies/edit.html", form=form, agency=agency)


@bp.route("/agency/staff/invite", methods=["POST"])
@ratelimits.invitations
@login_required
def invite():
    membership = require_membership("owner")
    form = forms.InviteForm()
    if form.validate_on_submit() and run_action(
        lambda: services.invite_recruiter(membership.agency, form.email.data, current_user),
        f"Invitation sent to {form.email.data}.",
        errors=form.email.errors,
    ):
        return redirect(url_for("agencies.home"))
    return _home_page(membership, form), 400


def _owner_action(member_id: int, action, message: str) -> None:
    """Run ``action(membership, target)``; ``message`` may name the target as ``{name}``."""
    membership = require_membership("owner")
    target = require_member_of_agency(membership, member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(lambda: action(membership, target), message.format(name=target.user.name))


@bp.route("/agency/staff/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(member_id: int):
    _owner_action(
        member_id,
        lambda membership, target: services.remove_member(target, current_user),
        "{name} no longer has access to this agency.",
    )
    return redirect(url_for("agencies.home"))


@bp.route("/agency/staff/<int:member_id>/make-owner", methods=["POST"])
@login_required
def make_owner(member_id: int):
    _owner_action(
        member_id,
        lambda membership, target: services.transfer_ownership(membership, target, current_user),
        "{name} is now the owner. You remain a recruiter.",
    )
    return redirect(url_for("agencies.home"))


@bp.route("/agency/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id: int):
    membership = require_membership("owner")
    invitation = db.get_or_404(AgencyInvitation, invitation_id)
    if invitation.agency_id != membership.agency_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.revoke_invitation(invitation, current_user)
        commit()
        flash(f"Invitation to {invitation.email} withdrawn.", "success")
    return redirect(url_for("agencies.home"))


@bp.route("/agency/switch/<int:agency_id>", methods=["POST"])
@login_required
def switch(agency_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    chosen = next((m for m in memberships_of(current_user) if m.agency_id == agency_id), None)
    if chosen is None:
        abort(404)
    session["agency_id"] = agency_id
    flash(f"You are now working for {chosen.agency.name}.", "info")
    return redirect(url_for("agencies.home"))


class InvitationAccountForm(AccountFields):
    pass


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = services.find_invitation(token)
    if found is None:
        return render_template("agencies/invitation_invalid.html"), 404
    if current_user.is_authenticated:
        form = ConfirmForm()
        if form.validate_on_submit() and run_action(
            lambda: services.accept_invitation(found, current_user),
            lambda: f"Welcome to {found.agency.name}.",
        ):
            session["agency_id"] = found.agency_id
            return redirect(url_for("agencies.home"))
        return render_template("agencies/invitation.html", invitation=found, form=form)

    existing = auth_services.find_user(found.email)
    form = InvitationAccountForm(email=found.email)
    form.known_words = [found.email]  # the password may not be built from it
    if existing is None and form.validate_on_submit():
        # the link reached this inbox, so the address is confirmed
        user = auth_services.create_user(
            form.full_name.data, found.email, form.password.data, role="agency"
        )
        user.email_confirmed_at = utcnow()
        services.accept_invitation(found, user)
        commit()
        sessions.start(user)
        session["agency_id"] = found.agency_id
        flash(f"Welcome to {found.agency.name}.", "success")
        return redirect(url_for("agencies.home"))
    return render_template(
        "agencies/invitation.html",
        invitation=found,
        form=form,
        existing=existing is not None,
        token=token,
    )


def current_agency_nav():
    """For the navigation bar: the user's memberships and the one in use."""
    return memberships_of(current_user), current_membership()
