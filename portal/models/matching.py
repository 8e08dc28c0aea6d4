"""Matching: each profile's best-scoring shares (precomputed), the jobs a seeker is not
interested in, candidates an agency found not a fit, the agencies' views of anonymous
candidates, and proposals to pool two agencies' part-time postings."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.agencies import Agency
from portal.models.jobs import Job, JobShare
from portal.models.seekers import SeekerProfile
from portal.models.types import UTCDateTime, one_of, utcnow
from portal.models.users import User

PROPOSAL_STATUSES = {
    "sent": "Waiting for an answer",
    "accepted": "Accepted — now one pooled position",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


class MatchScore(db.Model):
    """A profile's score against one share of a published job. Holds each profile's best
    ``MATCH_KEEP`` shares; recomputed when the profile or the job changes."""

    __tablename__ = "match_scores"
    __table_args__ = (
        Index("ix_match_scores_profile_score", "profile_id", "score"),
        Index("ix_match_scores_share_score", "share_id", "score"),  # a job's candidates
    )

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("seeker_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    share_id: Mapped[int] = mapped_column(
        ForeignKey("job_shares.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    score: Mapped[float]
    stars: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    profile: Mapped[SeekerProfile] = relationship()
    share: Mapped[JobShare] = relationship()
    job: Mapped[Job] = relationship()


class MatchDismissal(db.Model):
    """'Not interested': the job is not recommended to the seeker again. The reason is
    for the seeker's own view only."""

    __tablename__ = "match_dismissals"
    __table_args__ = (UniqueConstraint("user_id", "job_id", name="uq_match_dismissals"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[Job] = relationship()


class MatchRejection(db.Model):
    """'Not a fit': the candidate is not suggested again for that job to that agency (each
    employer of a pooled position decides for itself)."""

    __tablename__ = "match_rejections"
    __table_args__ = (
        UniqueConstraint("job_id", "seeker_id", "agency_id", name="uq_match_rejections"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateView(db.Model):
    """An agency looked at an anonymous suggested candidate: counted like a résumé view
    and shown to the seeker in their log."""

    __tablename__ = "candidate_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[Job | None] = relationship()
    agency: Mapped[Agency | None] = relationship()


class PoolingProposal(db.Model):
    """One agency proposes to pool its part-time posting with another agency's; accepted,
    the two postings become one pooled position led by the proposer's job."""

    __tablename__ = "pooling_proposals"
    __table_args__ = (
        UniqueConstraint("job_id", "partner_job_id", name="uq_pooling_proposals_jobs"),
        one_of("status", PROPOSAL_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    partner_job_id: Mapped[int] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    partner_agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="sent")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[Job] = relationship(foreign_keys=[job_id])
    partner_job: Mapped[Job] = relationship(foreign_keys=[partner_job_id])
    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    partner_agency: Mapped[Agency] = relationship(foreign_keys=[partner_agency_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])

    @property
    def status_label(self) -> str:
        return PROPOSAL_STATUSES[self.status]
