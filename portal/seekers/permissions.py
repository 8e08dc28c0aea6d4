"""Who may see a job seeker's profile and résumé.

A seeker's own pages are for role ``seeker`` only (``require_role("seeker")``). Agency staff
see a seeker only through ``agency_can_view_seeker``: nobody else reads a private profile.
"""

from flask import abort
from sqlalchemy import exists, select

from portal.extensions import db
from portal.models import Agency, Application, ApplicationDecision, SeekerProfile, User
from portal.seekers import consent, signals


def applied_to_agency(agency: Agency, seeker_id: int) -> bool:
    """The seeker applied for a job in which ``agency`` has a share (and a decision)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.seeker_id == seeker_id,
                    ApplicationDecision.application_id == Application.id,
                    ApplicationDecision.agency_id == agency.id,
                )
            )
        )
    )


def agency_can_view_seeker(agency: Agency | None, seeker_id: int) -> bool:
    """An approved agency sees a seeker whose profile is visible to agencies, who applied
    to it, or who is a qualified member of a pre-qualified list it may see."""
    if agency is None or agency.status != "approved":
        return False
    seeker = db.session.get(User, seeker_id)
    if seeker is None or seeker.role != "seeker" or not seeker.is_active:
        return False
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == seeker_id))
    if consent.is_visible(profile):
        return True
    if applied_to_agency(agency, seeker_id):
        return True
    # prequal: a member of a pre-qualified list the agency may see
    return any(seen for _receiver, seen in signals.agency_may_see.send(agency, seeker_id=seeker_id))


def require_viewable_seeker(agency: Agency, seeker_id: int) -> User:
    """The seeker, if the agency may see them; else 404 (a private profile is not there)."""
    if not agency_can_view_seeker(agency, seeker_id):
        abort(404)
    return db.session.get(User, seeker_id)
