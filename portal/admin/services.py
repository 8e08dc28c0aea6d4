"""Admin rules: finding users and agencies, the HR champion role."""

from sqlalchemy import Select, func, or_, select

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Agency, Membership, User
from portal.queries import contains


def user_query(q: str = "", role: str = "") -> Select:
    query = select(User).order_by(User.created_at.desc())
    if q:
        q = q.strip()
        query = query.where(or_(contains(User.email, q), contains(User.name, q)))
    if role:
        query = query.where(User.role == role)
    return query


def agency_query(q: str = "", status: str = "") -> Select:
    query = select(Agency).order_by(Agency.status != "pending", Agency.name)
    if q:
        q = q.strip()
        query = query.where(or_(contains(Agency.name, q), contains(Agency.legal_name, q)))
    if status:
        query = query.where(Agency.status == status)
    return query


def set_champion(user: User, grant: bool, by: User) -> None:
    """Grant or remove the HR champion role. Removing returns the user to the role their
    memberships imply."""
    if user.role == "admin":
        raise PortalError("Administrators keep their role; use another account as champion.")
    if grant:
        if user.role == "champion":
            raise PortalError(f"{user.name} is already the HR champion.")
        user.role = "champion"
    else:
        if user.role != "champion":
            raise PortalError(f"{user.name} is not an HR champion.")
        has_agency = db.session.scalar(
            select(func.count(Membership.id)).where(Membership.user_id == user.id)
        )
        user.role = "agency" if has_agency else "seeker"
    user.session_version += 1  # permissions changed: the user signs in again
    audit.record("user.role_changed", by, user, detail=user.role)


def counts() -> dict:
    def count(stmt):
        return db.session.scalar(stmt)

    return {
        "pending": count(select(func.count(Agency.id)).where(Agency.status == "pending")),
        "agencies": count(select(func.count(Agency.id))),
        "users": count(select(func.count(User.id))),
        "seekers": count(select(func.count(User.id)).where(User.role == "seeker")),
    }
