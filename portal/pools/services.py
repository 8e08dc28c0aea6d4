"""Pooled positions: the lead agency invites partners; each partner accepts or declines
and edits only its own share (hours from its schedule, site, pay, union status); the lead
edits the common text. Published, the job shows the combined hours and every employer.
Services flush; the view commits through ``portal.actions`` (which updates search)."""

from flask import current_app, url_for
from sqlalchemy import func, select

from portal import audit, mail, schedules, search
from portal.errors import PortalError
from portal.extensions import db
from portal.jobs import services as jobs
from portal.jobs import signals as job_signals
from portal.models import Agency, Application, ApplicationDecision, Job, JobShare, Membership
from portal.models.applications import OPEN_STATUSES
from portal.models.types import utcnow
from portal.queries import contains

LIVE = ("invited", "accepted")  # shares still in play


def full_time_hours() -> float:
    return float(current_app.config["FULL_TIME_HOURS"])


def fte(hours: float) -> float:
    return round(hours / full_time_hours(), 2)


def share_of(job: Job, agency_id: int) -> JobShare | None:
    return next((s for s in job.shares if s.agency_id == agency_id), None)


def search_partners(job: Job, q: str = "", region_id: int | None = None) -> list[Agency]:
    """Approved agencies the lead may invite (not already in the job), by name or region."""
    taken = [s.agency_id for s in job.shares if s.status in LIVE] + [job.agency_id]
    query = select(Agency).where(Agency.status == "approved", Agency.id.not_in(taken))
    if q:
        query = query.where(contains(Agency.name, q))
    if region_id:
        query = query.where(Agency.region_id == region_id)
    return list(db.session.scalars(query.order_by(Agency.name).limit(50)))


def invite(job: Job, partner: Agency, by) -> JobShare:
    if not job.pooled:
        raise PortalError("Only a pooled position takes partner agencies.")
    if job.status not in ("draft", "published"):
        raise PortalError(f"A {job.status} job cannot take new partners.")
    if partner.id == job.agency_id:
        raise PortalError("Your own agency already has a share.")
    if partner.status != "approved":
        raise PortalError(f"{partner.name} is not an approved agency.")
    share = share_of(job, partner.id)
    if share is not None and share.status in LIVE:
        raise PortalError(f"{partner.name} is already a partner in this job.")
    if share is None:
        share = JobShare(agency_id=partner.id, agency=partner)
        job.shares.append(share)
    share.status = "invited"
    share.invited_at, share.responded_at = utcnow(), None
    # the partner starts from the job's terms and changes them to its own
    share.hours_per_week = job.hours_per_week
    share.schedule_blocks = []
    share.community_id = partner.community_id
    share.pay_min_cents, share.pay_max_cents = job.pay_min_cents, job.pay_max_cents
    share.pay_unit = job.pay_unit
    share.unionized = partner.unionized
    db.session.flush()
    for member in _owners(partner):
        mail.queue(
            member.user.email,
            f"Invitation to a pooled position: {job.title}",
            "pool_invitation",
            job=job,
            partner=partner,
            link=url_for("pools.share", share_id=share.id, _external=True),
        )
    audit.record("share.invited", by, job, detail=f"agency {partner.id}")
    return share


def _owners(agency: Agency) -> list[Membership]:
    return [m for m in agency.memberships if m.role == "owner"]


def respond(share: JobShare, accept: bool, by) -> None:
    if share.status != "invited":
        raise PortalError(f"This invitation is no longer open (the share is {share.status}).")
    if accept:
        if share.job.status == "published" and not share.schedule_blocks:
            raise PortalError(
                "This job is already published: set the schedule of your share "
                "before accepting, so that the posting shows it."
            )
        problem = _overlap(share, share.schedule_blocks or [])
        if problem:
            raise PortalError(problem)
    share.status = "accepted" if accept else "declined"
    share.responded_at = utcnow()
    _job_changed(share.job)
    audit.record(
        "share.accepted" if accept else "share.declined",
        by,
        share.job,
        detail=f"agency {share.agency_id}",
    )


def update_share(share: JobShare, data: dict, by) -> None:
    """The share's own agency sets its schedule, site, pay and union status."""
    if share.status not in LIVE:
        raise PortalError(f"This share is {share.status}; it cannot be changed.")
    if share.filled_at is not None:
        raise PortalError("This share is filled; its terms can no longer change.")
    problem = schedules.check_blocks(data["schedule_blocks"]) or jobs.check_pay(
        data["pay_min_cents"], data["pay_max_cents"], data["pay_unit"]
    )
    if problem:
        raise PortalError(problem)
    problem = _overlap(share, data["schedule_blocks"])
    if problem:
        raise PortalError(problem)
    if data["unionized"] and not share.agency.unionized:
        raise PortalError(
            f"{share.agency.name} is not unionized: its share cannot be a union position."
        )
    share.schedule_blocks = data["schedule_blocks"]
    share.hours_per_week = schedules.hours(data["schedule_blocks"])
    for key in ("community_id", "pay_min_cents", "pay_max_cents", "pay_unit", "unionized"):
        setattr(share, key, data[key])
    _job_changed(share.job)
    audit.record("share.updated", by, share.job, detail=f"agency {share.agency_id}")


def _overlap(share: JobShare, blocks: list) -> str | None:
    """A message if ``blocks`` (the share's schedule) overlap another accepted share."""
    for other in share.job.shares:
        if other.id != share.id and other.status == "accepted":
            overlap = schedules.clashes(blocks, other.schedule_blocks or [])
            if overlap:
                return (
                    f"This schedule overlaps {other.agency.name}'s share on "
                    f"{', '.join(overlap)}. Shares offered as one job must not overlap."
                )
    return None


def withdraw(share: JobShare, by) -> int:
    """A partner leaves (or the lead cancels its invitation). After publishing, the posting
    is updated and the share's open applicants are told. Returns how many were told."""
    job = share.job
    if share.agency_id == job.agency_id:
        raise PortalError("The lead agency cannot leave its own job; close the job instead.")
    if share.status not in LIVE:
        raise PortalError(f"This share is already {share.status}.")
    if share.filled_at is not None:
        raise PortalError("Someone was hired into this share; it cannot be withdrawn.")
    was_accepted = share.status == "accepted"
    share.status = "withdrawn"
    share.responded_at = utcnow()
    told = 0
    if was_accepted and job.status == "published":
        told = _tell_applicants(share, by)
        fill_if_complete(job)  # the partners left may all have hired already
    _job_changed(job)
    audit.record("share.withdrawn", by, job, detail=f"agency {share.agency_id}")
    return told


def _tell_applicants(share: JobShare, by) -> int:
    from portal.applications.services import set_status

    decisions = db.session.scalars(
        select(ApplicationDecision).where(
            ApplicationDecision.share_id == share.id, ApplicationDecision.status.in_(OPEN_STATUSES)
        )
    ).all()
    job = share.job
    for decision in decisions:
        set_status(
            decision,
            "declined",
            by,
            f"{share.agency.name} withdrew its share of this pooled position.",
        )
        application: Application = decision.application
        mail.queue(
            application.seeker.email,
            f"Change to a pooled position: {job.title}",
            "pool_share_withdrawn",
            application=application,
            job=job,
            agency=share.agency,
            link=url_for("applications.detail", application_id=application.id, _external=True),
        )
    return len(decisions)


def fill_if_complete(job: Job) -> None:
    """A job whose accepted shares are all filled is filled, and leaves search."""
    accepted = job.accepted_shares
    if accepted and all(s.filled_at is not None for s in accepted) and job.status != "filled":
        job.status = "filled"
        job.ended_at = utcnow()
        search.enqueue([job.id])
        audit.record("job.filled", None, job, detail="every share hired")
        job_signals.status_changed.send(job)  # webhooks: job.closed


def _job_changed(job: Job) -> None:
    """Keep the job's hours the combined hours of its accepted shares; update search.
    A share's hours follow from its schedule: one not set yet (its hours are only copied
    from the job's at the invitation) does not count."""
    scheduled = [s for s in job.accepted_shares if s.schedule_blocks]
    if job.pooled and scheduled:
        combined = sum(s.hours_per_week for s in scheduled)
        if combined > 80:
            raise PortalError("The shares together come to more than 80 hours a week.")
        job.hours_per_week = combined
    search.enqueue([job.id])


def check_publishable(job: Job) -> None:
    """A pooled job publishes with at least two accepted shares, each with a schedule,
    none overlapping another."""
    if not job.pooled:
        return
    accepted = job.accepted_shares
    if len(accepted) < 2:
        raise PortalError(
            "A pooled position needs at least two accepted shares to publish: "
            "invite partner agencies and wait for them to accept."
        )
    for share in accepted:
        if not share.schedule_blocks:
            raise PortalError(f"{share.agency.name} has not set the schedule of its share yet.")
    for i, first in enumerate(accepted):
        for second in accepted[i + 1 :]:
            overlap = schedules.clashes(first.schedule_blocks, second.schedule_blocks)
            if overlap:
                raise PortalError(
                    f"The schedules of {first.agency.name} and "
                    f"{second.agency.name} overlap on {', '.join(overlap)}."
                )


def hired_clash(decision: ApplicationDecision) -> str | None:
    """Refuse hiring a candidate into a share whose schedule overlaps another share of the
    same job they are already hired into."""
    application = decision.application
    for other in application.decisions:
        if other.id != decision.id and other.status == "hired":
            overlap = schedules.clashes(
                decision.share.schedule_blocks or [], other.share.schedule_blocks or []
            )
            if overlap:
                return (
                    f"{application.seeker.name} is already hired into "
                    f"{other.agency.name}'s share, which overlaps this one on "
                    f"{', '.join(overlap)}."
                )
    return None


def invitations_waiting(agency_id: int) -> int:
    """Shares of other agencies' pooled positions this agency has been invited to and has
    not answered yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(JobShare)
        .join(Job, Job.id == JobShare.job_id)
        .where(
            JobShare.agency_id == agency_id,
            JobShare.status == "invited",
            Job.agency_id != agency_id,
            Job.status.in_(("draft", "published")),
        )
    )


def agency_shares(agency_id: int) -> list[JobShare]:
    """The agency's shares in pooled positions led by others (invitations included)."""
    return list(
        db.session.scalars(
            select(JobShare)
            .join(Job)
            .where(JobShare.agency_id == agency_id, Job.agency_id != agency_id)
            .order_by(JobShare.invited_at.desc(), JobShare.id.desc())
        )
    )
