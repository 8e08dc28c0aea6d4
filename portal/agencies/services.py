"""Agency rules: registration, details, staff invitations, removal, ownership transfer,
and the status changes admins make. Services flush; the caller commits."""

import hashlib
import re
import secrets

from flask import current_app, url_for
from sqlalchemy import func, select

from portal import audit, mail, search
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Agency, AgencyInvitation, Community, Job, Membership, User
from portal.models.types import utcnow

# words that are routes beside the agencies' pages (``/agencies/register``): never a slug
RESERVED_SLUGS = frozenset({"register"})


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:200] or "agency"


def unique_slug(name: str) -> str:
    """The slug of a new agency's page (``/agencies/<slug>``): its name in lower-case words,
    numbered (``-2``, ``-3``, ...) when taken or reserved."""
    base = slugify(name)
    slug, n = base, 1
    while slug in RESERVED_SLUGS or db.session.scalar(
        select(func.count(Agency.id)).where(Agency.slug == slug)
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply_details(agency: Agency, data: dict) -> None:
    community = db.session.get(Community, data["community_id"])
    if community is None:
        raise PortalError("Choose a community from the list.")
    for key, value in data.items():
        setattr(agency, key, value)
    agency.region_id = community.region_id


def register_agency(owner: User, data: dict) -> Agency:
    """A new agency, pending approval, with ``owner`` as its owner."""
    if owner.role not in ("agency", "admin"):
        raise PortalError("Only agency staff accounts can register an agency.")
    agency = Agency(status="pending", slug=unique_slug(data["name"]))
    _apply_details(agency, data)
    db.session.add(agency)
    db.session.add(Membership(user=owner, agency=agency, role="owner"))
    db.session.flush()
    audit.record("agency.registered", owner, agency)
    return agency


def update_agency(agency: Agency, data: dict, by: User) -> None:
    """Save new details. A rejected agency that edits its details asks for review again."""
    _apply_details(agency, data)
    if agency.status == "rejected":
        agency.status = "pending"
        agency.status_reason = None
        agency.status_changed_at = utcnow()
    audit.record("agency.updated", by, agency)


# --- staff -----------------------------------------------------------------------------


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invite_recruiter(agency: Agency, email: str, by: User) -> AgencyInvitation:
    email = email.strip().lower()
    already = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.agency_id == agency.id, User.email == email)
    )
    if already is not None:
        raise PortalError(f"{email} is already on this agency's staff.")
    raw = secrets.token_urlsafe(32)
    invitation = AgencyInvitation(
        agency=agency,
        email=email,
        token_hash=_digest(raw),
        invited_by=by,
        expires_at=utcnow() + current_app.config["AGENCY_INVITATION_TTL"],
    )
    db.session.add(invitation)
    db.session.flush()
    link = url_for("agencies.invitation", token=raw, _external=True)
    mail.queue(
        email,
        f"Join {agency.name} on the Sector Jobs Portal",
        "agency_invitation",
        agency=agency,
        inviter=by,
        link=link,
        expires_at=invitation.expires_at,
    )
    audit.record("agency.invited", by, agency, detail=email)
    return invitation


def find_invitation(raw: str) -> AgencyInvitation | None:
    """An open (unused, unrevoked, unexpired) invitation for this token, or None."""
    invitation = db.session.scalar(
        select(AgencyInvitation).where(AgencyInvitation.token_hash == _digest(raw))
    )
    if invitation is None or not invitation.is_open(utcnow()):
        return None
    return invitation


def accept_invitation(invitation: AgencyInvitation, user: User) -> Membership:
    if user.email != invitation.email:
        raise PortalError(
            f"This invitation was sent to {invitation.email}. Sign in with that address to "
            "accept it."
        )
    if user.role not in ("agency", "admin"):
        raise PortalError(
            "This email belongs to a job-seeker account. Ask the agency to invite a work "
            "address, so your job search stays private from your employer."
        )
    invitation.accepted_at = utcnow()
    membership = db.session.scalar(
        select(Membership).where(
            Membership.agency_id == invitation.agency_id, Membership.user_id == user.id
        )
    )
    if membership is None:
        membership = Membership(user=user, agency=invitation.agency, role="recruiter")
        db.session.add(membership)
        db.session.flush()
    audit.record("agency.joined", user, invitation.agency)
    return membership


def revoke_invitation(invitation: AgencyInvitation, by: User) -> None:
    invitation.revoked_at = utcnow()
    audit.record("agency.invitation_revoked", by, invitation.agency, detail=invitation.email)


def open_invitations(agency: Agency) -> list[AgencyInvitation]:
    return [
        i
        for i in db.session.scalars(
            select(AgencyInvitation)
            .where(AgencyInvitation.agency_id == agency.id)
            .order_by(AgencyInvitation.created_at.desc())
        )
        if i.is_open(utcnow())
    ]


def remove_member(target: Membership, by: User) -> None:
    if target.role == "owner":
        raise PortalError("The owner cannot be removed. Transfer ownership first.")
    audit.record("agency.member_removed", by, target.agency, detail=target.user.email)
    target.user.session_version += 1  # their sessions end now: signed out on the next request
    db.session.delete(target)
    db.session.flush()


def transfer_ownership(current_owner: Membership, target: Membership, by: User) -> None:
    if target.id == current_owner.id:
        raise PortalError("You are already the owner.")
    current_owner.role = "recruiter"
    target.role = "owner"
    db.session.flush()
    audit.record("agency.ownership_transferred", by, target.agency, detail=target.user.email)


# --- admin decisions -------------------------------------------------------------------

TRANSITIONS = {
    "approve": ("approved", {"pending", "rejected", "suspended"}),
    "reject": ("rejected", {"pending"}),
    "suspend": ("suspended", {"approved"}),
}


def agency_jobs_enqueue(agency: Agency) -> None:
    """The agency's status changed: its jobs may enter or leave search."""
    search.enqueue(db.session.scalars(select(Job.id).where(Job.agency_id == agency.id)))


def change_status(agency: Agency, action: str, reason: str | None, by: User) -> None:
    new_status, allowed_from = TRANSITIONS[action]
    if agency.status not in allowed_from:
        raise PortalError(f"This agency is {agency.status}; it cannot be {new_status}.")
    if action in ("reject", "suspend") and not (reason or "").strip():
        raise PortalError("Give a reason: the agency will see it.")
    agency.status = new_status
    agency.status_reason = (reason or "").strip() or None
    agency.status_changed_at = utcnow()
    audit.record(f"agency.{new_status}", by, agency, detail=agency.status_reason)
    agency_jobs_enqueue(agency)
    owner = agency.owner
    if owner is not None:
        mail.queue(
            owner.email,
            f"{agency.name}: registration {new_status}",
            "agency_status",
            agency=agency,
            link=url_for("agencies.home", _external=True),
        )
