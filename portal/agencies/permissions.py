"""Who may act for which agency. Every agency route goes through these."""

from flask import abort, session
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import Agency, Membership


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.agency)
            .where(Membership.user_id == user.id)
            .order_by(Agency.name)
        )
    )


def current_membership() -> Membership | None:
    """The membership of the agency the user is acting for (chosen with the switcher)."""
    memberships = memberships_of(current_user)
    if not memberships:
        return None
    chosen = session.get("agency_id")
    for membership in memberships:
        if membership.agency_id == chosen:
            return membership
    return memberships[0]


def require_membership(*roles: str) -> Membership:
    """The current membership, if the user has one with one of ``roles``; else 403."""
    membership = current_membership()
    if membership is None or (roles and membership.role not in roles):
        abort(403)
    return membership


def require_member_of_agency(membership: Membership, member_id: int) -> Membership:
    """A membership id from a URL must belong to the agency the user acts for; else 404."""
    target = db.get_or_404(Membership, member_id)
    if target.agency_id != membership.agency_id:
        abort(404)
    return target


def can_publish(agency: Agency) -> bool:
    """Only approved agencies may publish anything (jobs, lists); others can prepare."""
    return agency.status == "approved"


def can_manage_staff(membership: Membership | None) -> bool:
    return membership is not None and membership.role == "owner"
