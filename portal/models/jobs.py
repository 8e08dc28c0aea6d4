"""Job postings, their shares (one per agency; pooled positions have several),
required/preferred credentials, and the search outbox that keeps the index in step."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.agencies import Agency
from portal.models.reference import Community, Credential, Occupation, Region
from portal.models.types import UTCDateTime, one_of, utcnow
from portal.models.users import User

EMPLOYMENT_TYPES = {
    "full_time": "Full-time",
    "part_time": "Part-time",
    "casual": "Casual",
    "temporary": "Temporary / term",
}
JOB_STATUSES = ("draft", "published", "closed", "filled", "expired")
PAY_UNITS = {"hourly": "per hour", "annual": "per year"}
SHARE_STATUSES = ("invited", "accepted", "declined", "withdrawn")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        one_of("status", JOB_STATUSES),
        one_of("employment_type", EMPLOYMENT_TYPES),
        one_of("pay_unit", PAY_UNITS),
        CheckConstraint("pay_min_cents > 0 AND pay_min_cents <= pay_max_cents", name="pay_range"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 80", name="hours_range"),
        Index("ix_jobs_agency_status", "agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))  # the lead agency
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when rendered
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    employment_type: Mapped[str] = mapped_column(String(20))
    hours_per_week: Mapped[float]
    schedule: Mapped[str] = mapped_column(String(300), default="")
    pay_min_cents: Mapped[int]
    pay_max_cents: Mapped[int]
    pay_unit: Mapped[str] = mapped_column(String(10), default="hourly")
    union_position: Mapped[bool] = mapped_column(default=False)
    # a pooled position: partner agencies add their own shares (hours, schedule, site, pay)
    pooled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # a posting that became a share of another agency's pooled position (matching)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    how_to_apply: Mapped[str] = mapped_column(Text, default="")
    # the agency's own reference (its HR system's requisition number), in feeds and the API
    reference: Mapped[str | None] = mapped_column(String(60))
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    moderation_reason: Mapped[str | None] = mapped_column(Text)  # an admin unpublished it
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # closed/filled/expired
    view_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    agency: Mapped[Agency] = relationship()
    occupation: Mapped[Occupation] = relationship()
    community: Mapped[Community] = relationship()
    region: Mapped[Region] = relationship()
    created_by: Mapped[User | None] = relationship()
    shares: Mapped[list["JobShare"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="JobShare.id"
    )
    credentials: Mapped[list["JobCredential"]] = relationship(
        back_populates="job", cascade="all, delete-orphan"
    )

    @property
    def accepted_shares(self) -> list["JobShare"]:
        return [s for s in self.shares if s.status == "accepted"]

    @property
    def employers(self) -> list[Agency]:
        seen: dict[int, Agency] = {}
        for share in self.accepted_shares:
            seen.setdefault(share.agency_id, share.agency)
        return list(seen.values())

    @property
    def is_pooled(self) -> bool:
        return len(self.employers) > 1

    @property
    def combined_hours(self) -> float:
        shares = self.accepted_shares
        return sum(s.hours_per_week for s in shares) if shares else self.hours_per_week

    @property
    def employment_type_label(self) -> str:
        return EMPLOYMENT_TYPES[self.employment_type]

    @property
    def required_credentials(self) -> list[Credential]:
        return [c.credential for c in self.credentials if c.required]

    @property
    def preferred_credentials(self) -> list[Credential]:
        return [c.credential for c in self.credentials if not c.required]


class JobShare(db.Model):
    """One agency's part of a job: its hours, schedule, site and pay."""

    __tablename__ = "job_shares"
    __table_args__ = (
        one_of("status", SHARE_STATUSES),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 80", name="hours_range"),
        CheckConstraint("pay_min_cents > 0 AND pay_min_cents <= pay_max_cents", name="pay_range"),
        # an index, not a constraint: SQLite adds it without rebuilding the table
        Index("uq_job_shares_job_agency", "job_id", "agency_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    hours_per_week: Mapped[float]
    # weekly blocks: [[weekday 0-6, "09:00", "17:00"], ...]
    schedule_blocks: Mapped[list] = mapped_column(JSON, default=list)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    pay_min_cents: Mapped[int]
    pay_max_cents: Mapped[int]
    pay_unit: Mapped[str] = mapped_column(String(10), default="hourly")
    unionized: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    filled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[Job] = relationship(back_populates="shares")
    agency: Mapped[Agency] = relationship()
    community: Mapped[Community] = relationship()


class JobCredential(db.Model):
    __tablename__ = "job_credentials"
    __table_args__ = (UniqueConstraint("job_id", "credential_id", name="uq_job_credentials"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id"))
    required: Mapped[bool] = mapped_column(default=True)

    job: Mapped[Job] = relationship(back_populates="credentials")
    credential: Mapped[Credential] = relationship()


class SearchOutbox(db.Model):
    """A job whose searchable state may have changed; written in the changing transaction."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(index=True)  # no FK: the job may be deleted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchNode(db.Model):
    """How far one index replica (one node) has applied the outbox."""

    __tablename__ = "search_nodes"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    high_water: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
