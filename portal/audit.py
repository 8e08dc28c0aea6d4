"""Write audit events (logins, role changes, status changes, ...)."""

from flask import has_request_context, request

from portal.extensions import db
from portal.models import AuditEvent, User


def record(action: str, user: User | None = None, obj=None, detail: str | None = None) -> None:
    event = AuditEvent(
        user=user,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
