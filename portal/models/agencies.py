"""Agencies, their staff (memberships) and staff invitations."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.reference import Community, CsseaDivision, Region, Subsector
from portal.models.types import UTCDateTime, one_of, utcnow
from portal.models.users import User

AGENCY_STATUSES = ("pending", "approved", "rejected", "suspended")
MEMBERSHIP_ROLES = ("owner", "recruiter")
ALERT_MODES = {  # how a member hears of new applications
    "immediate": "An email for each new application",
    "daily": "One daily digest",
    "off": "No emails",
}


class Agency(db.Model):
    __tablename__ = "agencies"
    __table_args__ = (
        one_of("status", AGENCY_STATUSES),
        CheckConstraint(
            "cssea_member OR cssea_division_id IS NULL", name="division_only_for_members"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))  # operating name, shown everywhere
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    subsector_id: Mapped[int] = mapped_column(ForeignKey("subsectors.id"), index=True)
    cssea_member: Mapped[bool] = mapped_column(default=False)
    cssea_division_id: Mapped[int | None] = mapped_column(ForeignKey("cssea_divisions.id"))
    unionized: Mapped[bool] = mapped_column(default=False)
    website: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    about: Mapped[str | None] = mapped_column(Text)  # what the agency does (its public page)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    community: Mapped[Community] = relationship()
    subsector: Mapped[Subsector] = relationship()
    cssea_division: Mapped[CsseaDivision | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"

    @property
    def owner(self) -> User | None:
        return next((m.user for m in self.memberships if m.role == "owner"), None)


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "agency_id", name="uq_memberships_user_agency"),
        one_of("role", MEMBERSHIP_ROLES),
        one_of("application_alerts", ALERT_MODES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # emails about new applications: immediate | daily | off (each staff member chooses)
    application_alerts: Mapped[str] = mapped_column(
        String(10), default="immediate", server_default="immediate"
    )
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="memberships")
    agency: Mapped[Agency] = relationship(back_populates="memberships")


class AgencyInvitation(db.Model):
    """An emailed invitation for a person to join an agency's staff as a recruiter."""

    __tablename__ = "agency_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship()
    invited_by: Mapped[User | None] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
