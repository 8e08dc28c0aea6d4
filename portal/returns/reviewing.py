"""The champion's review of workforce returns: accept or send back a submitted version,
and the lists the review pages show. Services flush; the caller commits."""

from flask import url_for
from sqlalchemy import exists, func, select
from sqlalchemy.orm import contains_eager

from portal import audit, mail
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Agency, Membership, User
from portal.models.lmi import RETURN_STATUSES, ReportingPeriod, ReturnLine, WorkforceReturn
from portal.models.types import utcnow
from portal.returns.drafts import latest_version, refresh_current
from portal.returns.periods import require_open

SUBMITTED = ("submitted", "held", "accepted")  # the agency has done its part
REVIEW_ORDER = {"held": 0, "submitted": 1, "returned": 2, "accepted": 3}


def _require_reviewable(wreturn: WorkforceReturn) -> None:
    require_open(wreturn.period)
    if wreturn.status not in ("submitted", "held"):
        raise PortalError(
            f"This version is {RETURN_STATUSES[wreturn.status].lower()}: only a "
            "submitted or held return can be reviewed."
        )
    latest = latest_version(wreturn.agency_id, wreturn.period_id)
    if latest is not None and latest.id != wreturn.id:
        raise PortalError("A newer version of this return was submitted: review that one.")


def accept(wreturn: WorkforceReturn, by: User) -> None:
    _require_reviewable(wreturn)
    wreturn.status, wreturn.reviewed_at, wreturn.reviewed_by_id = "accepted", utcnow(), by.id
    db.session.flush()
    refresh_current(wreturn.agency_id, wreturn.period_id)
    audit.record("return.accepted", by, wreturn, detail=f"version {wreturn.version}")


def send_back(wreturn: WorkforceReturn, comment: str, by: User) -> None:
    comment = (comment or "").strip()
    if not comment:
        raise PortalError("Say what the agency should change: the comment is emailed to it.")
    _require_reviewable(wreturn)
    wreturn.status, wreturn.reviewed_at, wreturn.reviewed_by_id = "returned", utcnow(), by.id
    wreturn.review_comment = comment
    db.session.flush()
    refresh_current(wreturn.agency_id, wreturn.period_id)
    audit.record("return.returned", by, wreturn, detail=f"version {wreturn.version}")
    link = url_for("returns.version", return_id=wreturn.id, _external=True)
    for owner in owners(wreturn.agency_id):
        mail.queue(
            owner.email,
            f"Your workforce return {wreturn.period.label} needs changes",
            "return_returned",
            user=owner,
            wreturn=wreturn,
            comment=comment,
            link=link,
        )


def owners(agency_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership)
            .where(Membership.agency_id == agency_id, Membership.role == "owner")
            .order_by(User.id)
        )
    )


def returns_for_review(period: ReportingPeriod) -> list[WorkforceReturn]:
    """Each agency's latest submitted version for the period, held first."""
    versions = db.session.scalars(
        select(WorkforceReturn)
        .join(WorkforceReturn.agency)
        .options(contains_eager(WorkforceReturn.agency))
        .where(WorkforceReturn.period_id == period.id, WorkforceReturn.status != "draft")
        .order_by(WorkforceReturn.version.desc())
    ).all()
    latest: dict[int, WorkforceReturn] = {}
    for version in versions:
        latest.setdefault(version.agency_id, version)
    return sorted(latest.values(), key=lambda v: (REVIEW_ORDER[v.status], v.agency.name.lower()))


def _not_submitted_query(period: ReportingPeriod):
    done = exists().where(
        WorkforceReturn.agency_id == Agency.id,
        WorkforceReturn.period_id == period.id,
        WorkforceReturn.status.in_(SUBMITTED),
    )
    return select(Agency).where(Agency.status == "approved", ~done).order_by(Agency.name)


def due_for(agency_id: int) -> ReportingPeriod | None:
    """The open period (the soonest due) for which the agency has not submitted."""
    done = exists().where(
        WorkforceReturn.agency_id == agency_id,
        WorkforceReturn.period_id == ReportingPeriod.id,
        WorkforceReturn.status.in_(SUBMITTED),
    )
    return db.session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.status == "open", ~done)
        .order_by(ReportingPeriod.due_on)
        .limit(1)
    ).first()


def not_submitted(period: ReportingPeriod) -> list[Agency]:
    """Approved agencies without a submitted, held or accepted version for the period."""
    return list(db.session.scalars(_not_submitted_query(period)))


def status_counts(latest: list[WorkforceReturn]) -> dict[str, int]:
    """How many of ``returns_for_review``'s versions are in each status."""
    counts = dict.fromkeys(REVIEW_ORDER, 0)
    for version in latest:
        counts[version.status] += 1
    return counts


def line_counts(versions: list[WorkforceReturn]) -> dict[int, int]:
    """Return id → number of lines, in one query."""
    counts = dict.fromkeys((v.id for v in versions), 0)
    if counts:
        counts.update(
            db.session.execute(
                select(ReturnLine.return_id, func.count())
                .where(ReturnLine.return_id.in_(counts))
                .group_by(ReturnLine.return_id)
            ).all()
        )
    return counts
