"""Applications: a seeker's application to a job, the agency's decision on each share,
every status change as an event, answers to screening questions, private notes, and the
agency's wording for the emails it sends."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.agencies import Agency
from portal.models.jobs import Job, JobShare
from portal.models.seekers import Resume
from portal.models.types import UTCDateTime, one_of, utcnow
from portal.models.users import User

STATUSES = {
    "new": "New",
    "screening": "Screening",
    "interview": "Interview",
    "offer": "Offer",
    "hired": "Hired",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}
OPEN_STATUSES = ("new", "screening", "interview", "offer")
# what the agency may set (withdrawn is the seeker's own)
AGENCY_STATUSES = ("screening", "interview", "offer", "hired", "declined")
QUESTION_KINDS = {"yes_no": "Yes / no", "text": "Short text"}
KNOCKOUT_ANSWERS = ("yes", "no")
MESSAGE_KINDS = {
    "received": "Application received",
    "interview": "Invitation to interview",
    "offer": "Offer",
    "hired": "Hired",
    "declined": "Not going forward",
    "invitation": "Invitation to apply",
}


class ScreeningQuestion(db.Model):
    __tablename__ = "screening_questions"
    __table_args__ = (
        one_of("kind", QUESTION_KINDS),
        one_of("knockout_answer", KNOCKOUT_ANSWERS, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10), default="yes_no")
    required: Mapped[bool] = mapped_column(default=True)
    # a knock-out question: any answer other than this one declines the application
    knockout_answer: Mapped[str | None] = mapped_column(String(3))

    job: Mapped[Job] = relationship()

    @property
    def is_knockout(self) -> bool:
        return self.knockout_answer is not None

    @property
    def kind_label(self) -> str:
        return QUESTION_KINDS[self.kind]


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("job_id", "seeker_id", name="uq_applications_job_seeker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cover_note: Mapped[str] = mapped_column(Text, default="")
    resume_id: Mapped[int] = mapped_column(ForeignKey("resumes.id"))  # the snapshot sent
    knocked_out: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[Job] = relationship()
    seeker: Mapped[User] = relationship()
    resume: Mapped[Resume] = relationship()
    decisions: Mapped[list["ApplicationDecision"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationDecision.id",
    )
    answers: Mapped[list["ApplicationAnswer"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationAnswer.position",
    )
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationEvent.id"
    )

    def decision_for(self, agency_id: int) -> "ApplicationDecision | None":
        return next((d for d in self.decisions if d.agency_id == agency_id), None)

    @property
    def status(self) -> str:
        """The seeker's view: hired if any share hired them, else the furthest open stage,
        else declined / withdrawn."""
        statuses = [d.status for d in self.decisions]
        if "hired" in statuses:
            return "hired"
        for status in reversed(OPEN_STATUSES):
            if status in statuses:
                return status
        return "withdrawn" if "withdrawn" in statuses else "declined"

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationDecision(db.Model):
    """One agency's decision on an application, for its share of the job."""

    __tablename__ = "application_decisions"
    __table_args__ = (
        UniqueConstraint("application_id", "share_id", name="uq_decisions_application_share"),
        one_of("status", STATUSES),
        Index("ix_application_decisions_agency_status", "agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    share_id: Mapped[int] = mapped_column(
        ForeignKey("job_shares.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    status: Mapped[str] = mapped_column(String(20), default="new")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="decisions")
    share: Mapped[JobShare] = relationship()
    agency: Mapped[Agency] = relationship()

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


class ApplicationEvent(db.Model):
    """A status change (who, when, from, to): the history shown to both sides and the
    source of time-to-fill and offer-acceptance figures."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_decisions.id", ondelete="CASCADE")
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)  # sent to the seeker, if any
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    application: Mapped[Application] = relationship(back_populates="events")
    agency: Mapped[Agency | None] = relationship()
    actor: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return STATUSES[self.to_status]

    @property
    def from_label(self) -> str:
        return STATUSES[self.from_status] if self.from_status else ""


class ApplicationAnswer(db.Model):
    __tablename__ = "application_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("screening_questions.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(default=0)
    question_text: Mapped[str] = mapped_column(String(300))  # as asked
    answer: Mapped[str] = mapped_column(String(1000), default="")
    knocked_out: Mapped[bool] = mapped_column(default=False)

    application: Mapped[Application] = relationship(back_populates="answers")


class ApplicationNote(db.Model):
    """A note on an applicant, private to the agency that wrote it."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class AgencyMessage(db.Model):
    """An agency's own wording for an email to applicants (else the portal's default)."""

    __tablename__ = "agency_messages"
    __table_args__ = (
        UniqueConstraint("agency_id", "kind", name="uq_agency_messages_kind"),
        one_of("kind", MESSAGE_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
