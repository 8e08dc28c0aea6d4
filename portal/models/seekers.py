"""Job seekers: their profile, credentials, résumés (immutable files), who viewed them,
the visibility consent they gave, and the jobs they saved."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.agencies import Agency
from portal.models.jobs import PAY_UNITS, Job
from portal.models.reference import Community, Credential, Occupation, Region
from portal.models.types import UTCDateTime, link_table, one_of, utcnow
from portal.models.users import User

HOURS_WANTED = {
    "any": "Any hours",
    "full_time": "Full-time",
    "part_time": "Part-time",
    "casual": "Casual",
}
VISIBILITIES = {
    "private": "Private — only agencies I apply to see my profile",
    "agencies": "Visible to approved agencies",
}
RECOGNITION_STATUSES = {
    "not_started": "Recognition in BC not started",
    "in_progress": "Recognition in BC in progress",
    "recognised": "Recognised in BC",
}
RESUME_KINDS = ("pdf", "docx")
# a résumé whose file was deleted (its account purged, or nothing used it any more) keeps
# its row under this stored name, for the applications it was sent with and its views
REMOVED_PREFIX = "removed-"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_PARTS = ("morning", "day", "evening", "night")


profile_occupations = link_table(
    "profile_occupations", "profile_id=seeker_profiles.id", "occupation_id=occupations.id"
)
profile_regions = link_table(
    "profile_regions", "profile_id=seeker_profiles.id", "region_id=regions.id"
)
profile_communities = link_table(
    "profile_communities", "profile_id=seeker_profiles.id", "community_id=communities.id"
)


class SeekerProfile(db.Model):
    __tablename__ = "seeker_profiles"
    __table_args__ = (
        one_of("hours_wanted", HOURS_WANTED),
        one_of("visibility", VISIBILITIES),
        one_of("pay_unit", PAY_UNITS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    headline: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    hours_wanted: Mapped[str] = mapped_column(String(20), default="any")
    pay_expectation_cents: Mapped[int | None]
    pay_unit: Mapped[str] = mapped_column(String(10), default="hourly")
    willing_to_travel: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[str] = mapped_column(String(300), default="")
    # [[weekday 0-6, "morning" | "day" | "evening" | "night"], ...]
    availability: Mapped[list] = mapped_column(JSON, default=list)
    earliest_start: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(20), default="private")
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_records.id", ondelete="SET NULL")
    )
    resume_id: Mapped[int | None] = mapped_column(ForeignKey("resumes.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # when matching last stored this profile's best matches (None: never)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    occupations: Mapped[list[Occupation]] = relationship(
        secondary=profile_occupations, order_by=Occupation.title
    )
    regions: Mapped[list[Region]] = relationship(secondary=profile_regions, order_by=Region.name)
    communities: Mapped[list[Community]] = relationship(
        secondary=profile_communities, order_by=Community.name
    )
    credentials: Mapped[list["SeekerCredential"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="SeekerCredential.id"
    )
    consent: Mapped["ConsentRecord | None"] = relationship(foreign_keys=[consent_id])
    resume: Mapped["Resume | None"] = relationship(foreign_keys=[resume_id])

    @hybrid_method
    def visible_under(self, version: str) -> bool:
        """Visible to agencies under consent statement ``version``: the owner chose
        "visible" and the consent held is of that version, not withdrawn. Callers pass the
        current version through ``portal.seekers.consent`` (``is_visible``,
        ``visible_condition``); in a query it is the same rule in SQL."""
        consent = self.consent
        return (
            self.visibility == "agencies"
            and consent is not None
            and consent.version == version
            and consent.withdrawn_at is None
        )

    @visible_under.inplace.expression
    @classmethod
    def _visible_under_sql(cls, version: str) -> ColumnElement[bool]:
        return and_(
            cls.visibility == "agencies",
            select(ConsentRecord.id)
            .where(
                ConsentRecord.id == cls.consent_id,
                ConsentRecord.version == version,
                ConsentRecord.withdrawn_at.is_(None),
            )
            .exists(),
        )

    @property
    def hours_wanted_label(self) -> str:
        return HOURS_WANTED[self.hours_wanted]

    def available(self, weekday: int, part: str) -> bool:
        return [weekday, part] in (self.availability or [])


class SeekerCredential(db.Model):
    """A credential the seeker holds: from the portal's list or named freely; earned in
    Canada or abroad (then with its recognition status in BC)."""

    __tablename__ = "seeker_credentials"
    __table_args__ = (one_of("recognition", RECOGNITION_STATUSES, nullable=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("seeker_profiles.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    name: Mapped[str] = mapped_column(String(200), default="")  # when not in the list
    outside_canada: Mapped[bool] = mapped_column(default=False)
    country: Mapped[str] = mapped_column(String(100), default="")
    recognition: Mapped[str | None] = mapped_column(String(20))
    year: Mapped[int | None]

    profile: Mapped[SeekerProfile] = relationship(back_populates="credentials")
    credential: Mapped[Credential | None] = relationship()

    @property
    def label(self) -> str:
        return self.credential.name if self.credential else self.name

    @property
    def recognition_label(self) -> str:
        return RECOGNITION_STATUSES.get(self.recognition or "", "")


class ConsentRecord(db.Model):
    """Consent given (and maybe withdrawn) by a person, with the exact text and version."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(50))  # "profile_visibility"
    version: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Resume(db.Model):
    """An uploaded résumé file. Rows and files are never changed: a new upload makes a new
    row, so an application keeps exactly the file it was sent with."""

    __tablename__ = "resumes"
    __table_args__ = (one_of("kind", RESUME_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded, for the download name
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    @property
    def file_removed(self) -> bool:
        """The file is gone from the disk (``portal.privacy.purge``): nothing to send."""
        return self.stored_name.startswith(REMOVED_PREFIX)


class ResumeView(db.Model):
    """Agency staff opened a résumé (the seeker sees these as "who viewed my résumé")."""

    __tablename__ = "resume_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    resume_id: Mapped[int] = mapped_column(ForeignKey("resumes.id", ondelete="CASCADE"), index=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    viewer: Mapped[User | None] = relationship(foreign_keys=[viewer_id])
    agency: Mapped[Agency | None] = relationship()


class SavedJob(db.Model):
    __tablename__ = "saved_jobs"
    __table_args__ = (UniqueConstraint("user_id", "job_id", name="uq_saved_jobs"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[Job] = relationship()
