"""Figures shown on the home page and the dashboards."""

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.models import Agency, Region, User


def public_counts() -> dict:
    return {
        "agencies": db.session.scalar(
            select(func.count(Agency.id)).where(Agency.status == "approved")
        ),
        "regions": db.session.scalar(select(func.count(Region.id))),
        "seekers": db.session.scalar(select(func.count(User.id)).where(User.role == "seeker")),
    }


def agencies_by_region() -> list[dict]:
    """Approved agencies per region, split CSSEA member / non-member and union / non-union."""
    rows = db.session.execute(
        select(
            Region.name,
            func.count(Agency.id),
            func.sum(case((Agency.cssea_member, 1), else_=0)),
            func.sum(case((Agency.unionized, 1), else_=0)),
        )
        .select_from(Region)
        .outerjoin(Agency, (Agency.region_id == Region.id) & (Agency.status == "approved"))
        .group_by(Region.name)
        .order_by(Region.name)
    )
    return [
        {
            "region": name,
            "agencies": total,
            "members": members or 0,
            "non_members": total - (members or 0),
            "unionized": union or 0,
            "non_union": total - (union or 0),
        }
        for name, total, members, union in rows
    ]
