"""Deleting one's account: it takes effect at once, and the personal data goes later.

At once, in one transaction (flushed; the caller commits): the account is marked deleted
and inactive, and every session ends (``session_version``, "keep me signed in" included);
the profile is hidden (the visibility consent withdrawn), list memberships end, every
alert stops (the account's and any saved for its address), open applications are
withdrawn and each agency's staff are emailed, pending invitations are declined, API
tokens revoked, agency memberships removed; the person gets an email saying what
happened and when the rest goes. ``portal.privacy.purge`` removes the personal data
``PRIVACY_PURGE_AFTER_DAYS`` later.

Refused for an agency's only owner (transfer ownership first) and for administrators and
HR champions (another administrator removes the role first).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import delete, func, select

from portal import audit, mail
from portal.agencies import services as agencies
from portal.alerts import services as alerts
from portal.api import tokens as api_tokens
from portal.applications import services as applications
from portal.auth.passwords import verify_password
from portal.auth.services import WrongPassword, end_sessions
from portal.errors import PortalError
from portal.extensions import db
from portal.models import (
    Agency,
    AgencyInvitation,
    ApiToken,
    Application,
    JobInvitation,
    ListMember,
    Membership,
    OutboxMessage,
    SavedSearch,
    User,
    UserToken,
)
from portal.models.applications import OPEN_STATUSES
from portal.models.types import utcnow
from portal.prequal import services as prequal
from portal.seekers import services as seekers
from portal.twofactor import services as twofactor

LIST_STATUSES_LEFT = ("applied", "qualified", "paused")  # a member in these leaves


@dataclass
class Effects:
    """What deleting the account does now, counted (the page and the email say it)."""

    applications: int = 0  # open applications withdrawn
    agencies_told: int = 0
    lists: int = 0  # list memberships ended
    alerts: int = 0
    invitations: int = 0  # invitations to apply declined
    staff_of: int = 0  # agencies the person leaves
    api_tokens: int = 0


def purge_after() -> timedelta:
    return timedelta(days=current_app.config["PRIVACY_PURGE_AFTER_DAYS"])


def purge_date(user: User) -> datetime:
    """When the personal data of a deleted account is purged."""
    return (user.deleted_at or utcnow()) + purge_after()


# --- who may delete ---------------------------------------------------------------------


def _sole_owned(user: User) -> list[Agency]:
    """The agencies ``user`` owns with no other owner."""
    owned = [m.agency for m in user.memberships if m.role == "owner"]
    return [
        agency
        for agency in owned
        if db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.agency_id == agency.id, Membership.role == "owner"
            )
        )
        == 1
    ]


def why_cannot_delete(user: User) -> str | None:
    """Why ``user`` may not delete their account here, or None."""
    if user.is_deleted:
        return "This account is already deleted."
    if user.role in ("admin", "champion"):
        return (
            f"An account with the {user.role_label.lower()} role cannot be deleted here: "
            "ask another administrator to remove the role first, or to delete the account."
        )
    owned = _sole_owned(user)
    if owned:
        names = ", ".join(a.name for a in owned)
        return (
            f"You are the owner of {names}: transfer ownership to another staff member "
            "first (on the agency's staff page), then delete your account."
        )
    return None


# --- what it does -------------------------------------------------------------------------


def _open_applications(user: User) -> list[Application]:
    found = db.session.scalars(
        select(Application).where(Application.seeker_id == user.id).order_by(Application.id)
    )
    return [a for a in found if any(d.status in OPEN_STATUSES for d in a.decisions)]


def _alerts_of(user: User) -> list[SavedSearch]:
    found = {a.id: a for a in alerts.for_user(user)}
    found.update((a.id, a) for a in alerts.alerts_to(user.email))
    return list(found.values())


def _pending_invitations(user: User) -> list[JobInvitation]:
    return list(
        db.session.scalars(
            select(JobInvitation).where(
                JobInvitation.seeker_id == user.id, JobInvitation.status == "sent"
            )
        )
    )


def _list_memberships(user: User) -> list[ListMember]:
    return list(
        db.session.scalars(
            select(ListMember).where(
                ListMember.seeker_id == user.id, ListMember.status.in_(LIST_STATUSES_LEFT)
            )
        )
    )


def _live_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )


def preview(user: User) -> Effects:
    """What deleting the account would do now (nothing is changed)."""
    return Effects(
        applications=len(_open_applications(user)),
        lists=len(_list_memberships(user)),
        alerts=len(_alerts_of(user)),
        invitations=len(_pending_invitations(user)),
        staff_of=len(user.memberships),
        api_tokens=len(_live_tokens(user)),
    )


def delete_confirmed(user: User, password: str, code: str | None, ip: str) -> Effects:
    """Delete the account once the person has proved it is them: the password, then a
    two-step code when two-step sign-in is on. Raises WrongPassword (nothing changed), or
    twofactor's WrongCode / TwoStepThrottled (only the wrong code is counted: the caller
    commits), or PortalError when the account may not be deleted."""
    refusal = why_cannot_delete(user)
    if refusal:
        raise PortalError(refusal)
    ok, _ = verify_password(user.password_hash, password or "")
    if not ok:
        raise WrongPassword()
    if user.two_step_enabled:
        twofactor.check_code(user, code or "", ip)
    return delete_account(user)


def delete_account(user: User) -> Effects:
    """Delete ``user``'s account now (see the module's docstring); flushes, the caller
    commits. Raises PortalError for an agency's only owner, an administrator or an HR
    champion."""
    refusal = why_cannot_delete(user)
    if refusal:
        raise PortalError(refusal)
    effects = Effects()
    now = utcnow()
    user.deleted_at = now
    user.active = False
    end_sessions(user)  # every session ends, "keep me signed in" included
    _expire_links(user, now)

    profile = seekers.profile_of(user.id)
    if profile is not None:
        seekers.make_private(profile, user)
    for member in _list_memberships(user):
        prequal.set_own_status(member, "leave", user)
        effects.lists += 1
    effects.alerts = _stop_alerts(user)
    effects.applications, effects.agencies_told = _withdraw_applications(user)
    for invitation in _pending_invitations(user):
        prequal.respond_invitation(invitation, accept=False)
        effects.invitations += 1
    _revoke_staff_invitations(user)
    for token in _live_tokens(user):
        api_tokens.revoke(token, user)
        effects.api_tokens += 1
    effects.staff_of = _leave_agencies(user)

    mail.queue(
        user.email,
        "Your Sector Jobs Portal account is deleted",
        "account_deleted",
        user=user,
        effects=effects,
        purge_on=purge_date(user),
        keep_days=current_app.config["HIRING_RECORDS_KEEP_DAYS"],
    )
    audit.record("user.deleted", user, user)
    db.session.flush()
    return effects


def _expire_links(user: User, now: datetime) -> None:
    """Emailed links (password reset, email change) of the account stop working."""
    for token in db.session.scalars(
        select(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
    ):
        token.used_at = now


def _stop_alerts(user: User) -> int:
    """Delete every alert of the account or to its address, and their digests not yet
    sent."""
    found = _alerts_of(user)
    if found:
        db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.alert_id.in_([a.id for a in found]),
                OutboxMessage.sent_at.is_(None),
            )
        )
    for alert in found:
        alerts.remove(alert)
    return len(found)


def _withdraw_applications(user: User) -> tuple[int, int]:
    """Withdraw every open application (and, where a pooled position's share hired the
    person, the other shares' open decisions) and email the staff of each agency that had
    it open; returns (applications, agencies told)."""
    withdrawn = told = 0
    for application in _open_applications(user):
        agency_ids = list(
            dict.fromkeys(d.agency_id for d in application.decisions if d.status in OPEN_STATUSES)
        )
        if application.status == "hired":  # a pooled position: the other shares' decisions
            for decision in application.decisions:
                if decision.status in OPEN_STATUSES:
                    applications.set_status(decision, "withdrawn", user)
            audit.record("application.withdrawn", user, application)
        else:
            applications.withdraw(application, user)
        withdrawn += 1
        for agency_id in agency_ids:
            told += _tell_agency(application, agency_id, user)
    return withdrawn, told


def _tell_agency(application: Application, agency_id: int, user: User) -> int:
    """Email the agency's staff (those who get application emails; else its owners) that
    the applicant withdrew by deleting their account. 1 if anyone was told."""
    members = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.agency_id == agency_id, Membership.user_id != user.id)
            .order_by(Membership.id)
        )
    )
    to = [m for m in members if m.application_alerts != "off"] or [
        m for m in members if m.role == "owner"
    ]
    link = url_for("applications.review", application_id=application.id, _external=True)
    for member in to:
        mail.queue(
            member.user.email,
            f"Application withdrawn: {application.job.title}",
            "application_withdrawn_deleted",
            application=application,
            member=member,
            purge_on=purge_date(user),
            link=link,
        )
    return 1 if to else 0


def _revoke_staff_invitations(user: User) -> None:
    """Invitations to join an agency's staff, sent to the address, no longer stand."""
    now = utcnow()
    for invitation in db.session.scalars(
        select(AgencyInvitation).where(func.lower(AgencyInvitation.email) == user.email.lower())
    ):
        if invitation.is_open(now):
            agencies.revoke_invitation(invitation, user)


def _leave_agencies(user: User) -> int:
    """Leave every agency's staff (an owner only where another owner stays)."""
    left = 0
    for membership in list(user.memberships):
        if membership.role == "owner":  # why_cannot_delete made sure another owner stays
            audit.record("agency.member_removed", user, membership.agency)
            db.session.delete(membership)
            db.session.flush()
        else:
            agencies.remove_member(membership, user)
        left += 1
    return left
