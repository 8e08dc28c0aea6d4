"""Pre-qualified lists: a talent pool screened once by one agency or several partners;
its qualified members are visible to the agencies the list allows, who can invite them to
their jobs."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.agencies import Agency
from portal.models.jobs import Job
from portal.models.reference import Credential, Occupation, Region
from portal.models.types import UTCDateTime, link_table, one_of, utcnow
from portal.models.users import User

LIST_VISIBILITIES = {
    "partners": "Only the agencies running the list",
    "approved": "Every approved agency on the portal",
}
MEMBER_STATUSES = {
    "applied": "Waiting for screening",
    "qualified": "Qualified",
    "declined": "Not qualified",
    "paused": "Paused",
    "left": "Left",
    "expired": "Expired",
}
INVITATION_STATUSES = ("sent", "accepted", "declined")

list_occupations = link_table(
    "prequal_list_occupations", "list_id=prequal_lists.id", "occupation_id=occupations.id"
)
list_regions = link_table(
    "prequal_list_regions", "list_id=prequal_lists.id", "region_id=regions.id"
)
list_credentials = link_table(
    "prequal_list_credentials", "list_id=prequal_lists.id", "credential_id=credentials.id"
)
list_partners = link_table(
    "prequal_list_partners",
    "list_id=prequal_lists.id",
    "agency_id=agencies.id",
    other_ondelete="CASCADE",
)


class PrequalList(db.Model):
    __tablename__ = "prequal_lists"
    __table_args__ = (
        one_of("visibility", LIST_VISIBILITIES),
        CheckConstraint("membership_months BETWEEN 1 AND 36", name="months_range"),
        CheckConstraint("intake_opens_on <= intake_closes_on", name="intake_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # the lead
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    intake_opens_on: Mapped[date] = mapped_column(Date)
    intake_closes_on: Mapped[date] = mapped_column(Date)
    membership_months: Mapped[int] = mapped_column(default=12)
    visibility: Mapped[str] = mapped_column(String(20), default="partners")
    # screening questions: [{"text": ..., "kind": "yes_no" | "text", "required": bool}]
    questions: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    partners: Mapped[list[Agency]] = relationship(secondary=list_partners, order_by=Agency.name)
    occupations: Mapped[list[Occupation]] = relationship(
        secondary=list_occupations, order_by=Occupation.title
    )
    regions: Mapped[list[Region]] = relationship(secondary=list_regions, order_by=Region.name)
    credentials: Mapped[list[Credential]] = relationship(
        secondary=list_credentials, order_by=Credential.name
    )

    @property
    def running_agencies(self) -> list[Agency]:
        return [self.agency] + [a for a in self.partners if a.id != self.agency_id]

    def is_running_agency(self, agency_id: int) -> bool:
        return any(a.id == agency_id for a in self.running_agencies)

    def intake_open(self, today: date) -> bool:
        return self.intake_opens_on <= today <= self.intake_closes_on

    @property
    def visibility_label(self) -> str:
        return LIST_VISIBILITIES[self.visibility]


class ListMember(db.Model):
    """A seeker's application to, and membership of, a list."""

    __tablename__ = "prequal_members"
    __table_args__ = (
        UniqueConstraint("list_id", "seeker_id", name="uq_prequal_members_list_seeker"),
        one_of("status", MEMBER_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("prequal_lists.id", ondelete="CASCADE"), index=True
    )
    seeker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="applied", index=True)
    answers: Mapped[list] = mapped_column(JSON, default=list)  # [{"question", "answer"}]
    consent_text: Mapped[str] = mapped_column(Text)  # sharing profile + résumé, as agreed
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    list: Mapped[PrequalList] = relationship()
    seeker: Mapped[User] = relationship(foreign_keys=[seeker_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    decided_agency: Mapped[Agency | None] = relationship()

    @property
    def status_label(self) -> str:
        return MEMBER_STATUSES[self.status]


class JobInvitation(db.Model):
    """An agency invites a seeker (e.g. a list member) to apply for one of its jobs."""

    __tablename__ = "job_invitations"
    __table_args__ = (
        UniqueConstraint("job_id", "seeker_id", name="uq_job_invitations_job_seeker"),
        one_of("status", INVITATION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    list_id: Mapped[int | None] = mapped_column(ForeignKey("prequal_lists.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="sent")
    decline_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[Job] = relationship()
    seeker: Mapped[User] = relationship(foreign_keys=[seeker_id])
    agency: Mapped[Agency] = relationship()
    list: Mapped[PrequalList | None] = relationship()
