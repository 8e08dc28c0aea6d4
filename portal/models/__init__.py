"""All models, imported here so Alembic and the app see every table."""

from portal.models.agencies import Agency, AgencyInvitation, Membership
from portal.models.audit import AuditEvent
from portal.models.jobs import Job, JobCredential, JobShare, SearchNode, SearchOutbox
from portal.models.mail import OutboxMessage
from portal.models.reference import (
    Community,
    Credential,
    CsseaDivision,
    Occupation,
    Region,
    Subsector,
)
from portal.models.users import LoginFailure, User, UserToken

__all__ = [
    "Agency",
    "AgencyInvitation",
    "AuditEvent",
    "Community",
    "Credential",
    "CsseaDivision",
    "Job",
    "JobCredential",
    "JobShare",
    "LoginFailure",
    "Membership",
    "Occupation",
    "OutboxMessage",
    "Region",
    "SearchNode",
    "SearchOutbox",
    "Subsector",
    "User",
    "UserToken",
]
