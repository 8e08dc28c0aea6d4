"""Write audit events (sign-ins, role changes, status changes, résumé views, downloads...).

Each event names the agency it concerns when there is one, so the admin's audit log
(``/admin/audit``) can be filtered by agency: given as ``agency``, else the object's own
(an agency, or anything with an ``agency_id`` such as a job or an API token), else the
acting person's agency when they are agency staff of exactly one.
"""

from flask import has_request_context, request

from portal.extensions import db
from portal.models import Agency, AuditEvent, User


def record(
    action: str,
    user: User | None = None,
    obj=None,
    detail: str | None = None,
    agency: Agency | int | None = None,
) -> None:
    event = AuditEvent(
        user=user,
        agency_id=_agency_id(agency, obj, user),
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)


def _agency_id(agency, obj, user) -> int | None:
    if agency is not None:
        return agency if isinstance(agency, int) else agency.id
    if isinstance(obj, Agency):
        return obj.id
    found = getattr(obj, "agency_id", None)
    if isinstance(found, int):
        return found
    if user is not None and user.role == "agency" and len(user.memberships) == 1:
        return user.memberships[0].agency_id
    return None
