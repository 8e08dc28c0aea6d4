"""Labour-market data: reporting periods (fiscal years), each agency's workforce returns in
versions, and their lines (occupation × region × employment status × bargaining status)."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.agencies import Agency
from portal.models.reference import Occupation, Region
from portal.models.types import UTCDateTime, one_of, utcnow
from portal.models.users import User

PERIOD_STATUSES = ("open", "closed")
RETURN_STATUSES = {
    "draft": "Draft",
    "submitted": "Submitted",
    "held": "Held for review",
    "accepted": "Accepted",
    "returned": "Returned for changes",
}
# a version counts in the sector's figures when it is the agency's newest version in one
# of these statuses (``WorkforceReturn.is_current`` marks it)
COUNTED_STATUSES = ("submitted", "accepted")
RETURN_SOURCES = ("form", "csv", "import")
EMPLOYMENT_STATUSES = {
    "regular_full_time": "Regular full-time",
    "regular_part_time": "Regular part-time",
    "casual": "Casual",
    "term": "Term",
}
BARGAINING_STATUSES = {
    "union": "Union",
    "non_union": "Non-union",
    "excluded": "Excluded (management/confidential)",
}
# the counts of a line, in form and CSV order; all whole numbers ≥ 0, blank only in a draft
COUNT_FIELDS = (
    "opening_headcount",
    "closing_headcount",
    "hires",
    "separations",
    "sep_voluntary",
    "sep_retirement",
    "sep_involuntary",
    "sep_other",
    "sep_within_90_days",
    "sep_within_1_year",
    "vacancies",
    "vacancies_90_days",
)
PAY_FIELDS = ("pay_p25_cents", "pay_median_cents", "pay_p75_cents")


class ReportingPeriod(db.Model):
    """A fiscal year, April 1 to March 31, opened and closed by the champion or an admin."""

    __tablename__ = "reporting_periods"
    __table_args__ = (one_of("status", PERIOD_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(unique=True)  # 2025 = April 2025 to March 2026
    status: Mapped[str] = mapped_column(String(10), default="open")
    due_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_on: Mapped[date | None] = mapped_column(Date)  # the last round of reminders

    @property
    def label(self) -> str:
        return f"{self.fiscal_year}/{(self.fiscal_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> date:
        return date(self.fiscal_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.fiscal_year + 1, 3, 31)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class WorkforceReturn(db.Model):
    """One version of an agency's workforce return for a period.

    An agency has at most one draft per period; submitting freezes the draft as a version,
    and changing a submitted return starts a new draft (version + 1) from it.
    """

    __tablename__ = "workforce_returns"
    __table_args__ = (
        UniqueConstraint(
            "agency_id", "period_id", "version", name="uq_workforce_returns_agency_period_version"
        ),
        Index(
            "uq_workforce_returns_one_draft",
            "agency_id",
            "period_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
        one_of("status", RETURN_STATUSES),
        one_of("source", RETURN_SOURCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    period_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_periods.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    source: Mapped[str] = mapped_column(String(10), default="form")
    is_current: Mapped[bool] = mapped_column(default=False, index=True)
    warnings: Mapped[list] = mapped_column(JSON, default=list)  # confirmed at submission
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    lines: Mapped[list["ReturnLine"]] = relationship(
        back_populates="workforce_return", cascade="all, delete-orphan", order_by="ReturnLine.id"
    )

    @property
    def status_label(self) -> str:
        return RETURN_STATUSES[self.status]


class ReturnLine(db.Model):
    """One line of a return: counts for an occupation × region × employment status ×
    bargaining status. Counts may be blank (None) only while the return is a draft."""

    __tablename__ = "return_lines"
    __table_args__ = (
        UniqueConstraint(
            "return_id",
            "occupation_id",
            "region_id",
            "employment_status",
            "bargaining_status",
            name="uq_return_lines_key",
        ),
        one_of("employment_status", EMPLOYMENT_STATUSES),
        one_of("bargaining_status", BARGAINING_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(
        ForeignKey("workforce_returns.id", ondelete="CASCADE"), index=True
    )
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    employment_status: Mapped[str] = mapped_column(String(20))
    bargaining_status: Mapped[str] = mapped_column(String(12))

    opening_headcount: Mapped[int | None]
    closing_headcount: Mapped[int | None]
    fte: Mapped[float | None]
    hires: Mapped[int | None]
    separations: Mapped[int | None]  # the total; the four reasons must add up to it
    sep_voluntary: Mapped[int | None]
    sep_retirement: Mapped[int | None]
    sep_involuntary: Mapped[int | None]
    sep_other: Mapped[int | None]
    sep_within_90_days: Mapped[int | None]
    sep_within_1_year: Mapped[int | None]
    vacancies: Mapped[int | None]  # open at period end
    vacancies_90_days: Mapped[int | None]  # of those, open 90 days or more
    pay_p25_cents: Mapped[int | None]  # hourly pay, cents
    pay_median_cents: Mapped[int | None]
    pay_p75_cents: Mapped[int | None]

    workforce_return: Mapped[WorkforceReturn] = relationship(back_populates="lines")
    occupation: Mapped[Occupation] = relationship()
    region: Mapped[Region] = relationship()

    @property
    def key(self) -> tuple:
        return (self.occupation_id, self.region_id, self.employment_status, self.bargaining_status)

    @property
    def employment_status_label(self) -> str:
        return EMPLOYMENT_STATUSES[self.employment_status]

    @property
    def bargaining_status_label(self) -> str:
        return BARGAINING_STATUSES[self.bargaining_status]
