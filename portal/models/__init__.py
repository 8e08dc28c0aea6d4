"""All models, imported here so Alembic and the app see every table."""

from portal.models.agencies import Agency, AgencyInvitation, Membership
from portal.models.alerts import AlertDelivery, MailBounce, SavedSearch
from portal.models.applications import (
    AgencyMessage,
    Application,
    ApplicationAnswer,
    ApplicationDecision,
    ApplicationEvent,
    ApplicationNote,
    ScreeningQuestion,
)
from portal.models.audit import AuditEvent
from portal.models.integrations import (
    ApiToken,
    IdempotencyKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.models.jobs import Job, JobCredential, JobShare, SearchNode, SearchOutbox
from portal.models.lmi import ReportingPeriod, ReturnLine, WorkforceReturn
from portal.models.mail import OutboxMessage, WorkerHeartbeat
from portal.models.matching import (
    CandidateView,
    MatchDismissal,
    MatchRejection,
    MatchScore,
    PoolingProposal,
)
from portal.models.prequal import JobInvitation, ListMember, PrequalList
from portal.models.reference import (
    Community,
    Credential,
    CsseaDivision,
    Occupation,
    Region,
    Subsector,
)
from portal.models.seekers import (
    ConsentRecord,
    Resume,
    ResumeView,
    SavedJob,
    SeekerCredential,
    SeekerProfile,
)
from portal.models.users import LoginFailure, RecoveryCode, TwoStepFailure, User, UserToken

__all__ = [
    "ApiToken",
    "IdempotencyKey",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "AlertDelivery",
    "MailBounce",
    "SavedSearch",
    "PoolingProposal",
    "MatchScore",
    "MatchRejection",
    "MatchDismissal",
    "CandidateView",
    "Agency",
    "AgencyInvitation",
    "AgencyMessage",
    "Application",
    "ApplicationAnswer",
    "ApplicationDecision",
    "ApplicationEvent",
    "ApplicationNote",
    "AuditEvent",
    "Community",
    "ConsentRecord",
    "Credential",
    "CsseaDivision",
    "Job",
    "JobCredential",
    "JobInvitation",
    "JobShare",
    "ListMember",
    "LoginFailure",
    "Membership",
    "Occupation",
    "OutboxMessage",
    "PrequalList",
    "RecoveryCode",
    "Region",
    "ReportingPeriod",
    "Resume",
    "ReturnLine",
    "ResumeView",
    "SavedJob",
    "ScreeningQuestion",
    "SearchNode",
    "SearchOutbox",
    "SeekerCredential",
    "SeekerProfile",
    "Subsector",
    "TwoStepFailure",
    "User",
    "UserToken",
    "WorkerHeartbeat",
    "WorkforceReturn",
]
