"""Job rules: drafts, editing with optimistic locking, the publishing lifecycle, expiry,
duplication and admin moderation. Every change enqueues the job for the search index in
the same transaction. Services flush; the view commits through ``portal.actions``, which
applies the search outbox so the change is searchable when the request returns."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, schedules, search
from portal.agencies.permissions import can_publish
from portal.errors import PortalError
from portal.extensions import db
from portal.jobs import signals
from portal.models import Agency, Community, Job, JobCredential, JobShare, User
from portal.models.types import utcnow
from portal.timeutil import today_pacific

HOURLY_MAX_CENTS = 25000  # hourly pay: from BC's minimum wage (MINIMUM_WAGE_CENTS) to $250
ANNUAL_BOUNDS = (30000_00, 400000_00)
MAX_OPEN_DAYS = 180
GONE_AFTER = timedelta(days=30)  # a closed job's page answers 410 after this
# what a form edits and a copy keeps, beside closes_on (edited) and pooled (kept); the
# agency's reference (requisition number) is edited but not copied: it names one posting
_POSTING_FIELDS = (
    "title",
    "description",
    "occupation_id",
    "community_id",
    "employment_type",
    "hours_per_week",
    "schedule",
    "pay_min_cents",
    "pay_max_cents",
    "pay_unit",
    "union_position",
    "how_to_apply",
)


class StaleEdit(PortalError):
    def __init__(self):
        super().__init__(
            "Someone else saved this job while you were editing it. Your text is kept below; "
            "compare it with the current version (open the job in another tab) and save again."
        )


def check_pay(pay_min_cents: int, pay_max_cents: int, unit: str) -> str | None:
    """A message if the pay range is implausible, else None."""
    if unit == "hourly":
        low, high = current_app.config["MINIMUM_WAGE_CENTS"], HOURLY_MAX_CENTS
    else:
        low, high = ANNUAL_BOUNDS
    if pay_min_cents > pay_max_cents:
        return "The minimum pay cannot be more than the maximum."
    if pay_min_cents < low:
        if unit == "hourly":
            return f"Hourly pay cannot be below BC's minimum wage (${low / 100:.2f})."
        return "Annual pay below $30,000 is not plausible for a posting; check the unit."
    if pay_max_cents > high:
        return "That pay is above the plausible range; check the amount and the unit."
    return None


def _apply(job: Job, data: dict) -> None:
    with db.session.no_autoflush:  # the job is complete only at the end
        _apply_fields(job, data)


def _apply_fields(job: Job, data: dict) -> None:
    community = db.session.get(Community, data["community_id"])
    if community is None:
        raise PortalError("Choose a community from the list.")
    problem = check_pay(data["pay_min_cents"], data["pay_max_cents"], data["pay_unit"])
    if problem:
        raise PortalError(problem)
    # the agency's own reference: a caller that does not give it keeps the one saved
    reference = _reference(data["reference"]) if "reference" in data else job.reference
    pooled = data.get("pooled", job.pooled)
    if pooled != job.pooled:
        if job.status != "draft":
            raise PortalError("Only a draft can become, or stop being, a pooled position.")
        if not pooled and any(
            s.agency_id != job.agency_id and s.status in ("invited", "accepted") for s in job.shares
        ):
            raise PortalError(
                "Withdraw the partner agencies' shares before making this a single-agency job."
            )
    blocks = data.get("schedule_blocks", [])
    if blocks:  # the form checks these too; a service refuses whatever its caller
        problem = schedules.check_blocks(blocks) or schedules.check_hours(
            blocks, data["hours_per_week"]
        )
        if problem:
            raise PortalError(problem)
    job.pooled = pooled
    for key in (*_POSTING_FIELDS, "closes_on"):
        setattr(job, key, data[key])
    job.reference = reference
    job.region_id = community.region_id
    _sync_credentials(
        job, data.get("required_credentials", []), data.get("preferred_credentials", [])
    )
    _sync_lead_share(job, blocks)
    if job.pooled and job.accepted_shares and all(s.schedule_blocks for s in job.accepted_shares):
        job.hours_per_week = job.combined_hours  # hours come from the shares' schedules


def _reference(text: str | None) -> str | None:
    reference = (text or "").strip() or None
    if reference is not None and len(reference) > 60:
        raise PortalError("Your reference can be at most 60 characters long.")
    return reference


def _sync_credentials(job: Job, required: list[int], preferred: list[int]) -> None:
    wanted = {cid: True for cid in required}
    wanted.update({cid: False for cid in preferred if cid not in wanted})
    for link in list(job.credentials):
        if link.credential_id not in wanted:
            job.credentials.remove(link)
        else:
            link.required = wanted.pop(link.credential_id)
    for cid, required_flag in wanted.items():
        job.credentials.append(JobCredential(credential_id=cid, required=required_flag))


def _sync_lead_share(job: Job, blocks: list) -> None:
    """A single-agency job has one share mirroring the job, with the job's weekly schedule
    (``blocks``, maybe empty); pooled jobs edit shares apart."""
    lead = next((s for s in job.shares if s.agency_id == job.agency_id), None)
    new = lead is None
    if new:
        lead = JobShare(agency_id=job.agency_id, status="accepted", schedule_blocks=[])
        job.shares.append(lead)
    if new or not job.pooled:  # a pooled job's lead edits its own share like a partner
        lead.hours_per_week = job.hours_per_week
        lead.community_id = job.community_id
        lead.pay_min_cents, lead.pay_max_cents = job.pay_min_cents, job.pay_max_cents
        lead.pay_unit = job.pay_unit
        lead.unionized = job.union_position
        lead.schedule_blocks = [list(block) for block in blocks]


def create_draft(agency: Agency, data: dict, by: User) -> Job:
    job = Job(agency_id=agency.id, agency=agency, created_by=by, status="draft")
    db.session.add(job)
    _apply(job, data)
    db.session.flush()
    search.enqueue([job.id])
    audit.record("job.created", by, job)
    return job


def update_job(job: Job, data: dict, seen_version: int, by: User) -> None:
    """Save an edit made on the form the user loaded at ``seen_version``."""
    if seen_version != job.version_id:
        raise StaleEdit()
    if job.status == "published" and data["closes_on"] < today_pacific():
        raise PortalError("The closing date of a published job cannot be in the past.")
    _apply(job, data)
    job.updated_at = utcnow()
    db.session.flush()  # the version_id check in the UPDATE catches a race since loading
    search.enqueue([job.id])
    audit.record("job.updated", by, job)


def publish(job: Job, by: User) -> None:
    if not can_publish(job.agency):
        raise PortalError(
            "Your agency can publish once an administrator approves it. "
            "The job is saved as a draft."
        )
    if job.status not in ("draft", "closed", "expired"):
        raise PortalError(f"A {job.status} job cannot be published.")
    if job.moderation_reason:
        raise PortalError("An administrator unpublished this job; duplicate it to post again.")
    today = today_pacific()
    if job.closes_on < today:
        raise PortalError("Set a closing date from today on before publishing.")
    signals.publishing.send(job)  # pools: a pooled job's shares
    if job.closes_on > today + timedelta(days=MAX_OPEN_DAYS):
        raise PortalError(f"A posting can stay open at most {MAX_OPEN_DAYS} days.")
    job.status = "published"
    job.published_at = utcnow()
    job.ended_at = None
    search.enqueue([job.id])
    audit.record("job.published", by, job)
    signals.status_changed.send(job)  # webhooks: job.published


def _end(job: Job, status: str, by: User | None, reason: str | None = None) -> None:
    if job.status != "published":
        raise PortalError(f"Only a published job can be {status}; this one is {job.status}.")
    job.status = status
    job.ended_at = utcnow()
    if reason:
        job.moderation_reason = reason
    search.enqueue([job.id])
    audit.record(f"job.{status}", by, job, detail=reason)
    signals.status_changed.send(job)  # webhooks: job.closed


def close(job: Job, by: User) -> None:
    _end(job, "closed", by)


def mark_filled(job: Job, by: User) -> None:
    _end(job, "filled", by)


def extend(job: Job, closes_on: date, by: User) -> None:
    """Move the closing date; a closed or expired job is published again (renewed)."""
    if job.status not in ("published", "closed", "expired"):
        raise PortalError(f"A {job.status} job has no closing date to extend; edit it instead.")
    today = today_pacific()
    if closes_on < today:
        raise PortalError("The new closing date must be today or later.")
    if closes_on > today + timedelta(days=MAX_OPEN_DAYS):
        raise PortalError(f"A posting can stay open at most {MAX_OPEN_DAYS} days.")
    job.closes_on = closes_on
    if job.status in ("closed", "expired"):
        publish(job, by)
    else:
        search.enqueue([job.id])
        audit.record("job.extended", by, job)


def duplicate(job: Job, by: User) -> Job:
    copy = Job(agency_id=job.agency_id, created_by=by, status="draft")
    data = {key: getattr(job, key) for key in (*_POSTING_FIELDS, "pooled")}
    data["title"] = f"{job.title} (copy)"[:200]
    data["closes_on"] = max(job.closes_on, today_pacific() + timedelta(days=30))
    data["required_credentials"] = [c.credential_id for c in job.credentials if c.required]
    data["preferred_credentials"] = [c.credential_id for c in job.credentials if not c.required]
    lead = next((s for s in job.shares if s.agency_id == job.agency_id), None)
    if lead and not job.pooled:  # a pooled job's lead share has the pool's hours
        data["schedule_blocks"] = list(lead.schedule_blocks or [])
    db.session.add(copy)  # only now: reading ``job`` above autoflushes the session
    _apply(copy, data)
    db.session.flush()
    audit.record("job.duplicated", by, copy, detail=f"from job {job.id}")
    return copy


def bulk_close(agency: Agency, job_ids: list[int], by: User) -> int:
    jobs = db.session.scalars(
        select(Job).where(
            Job.id.in_(job_ids), Job.agency_id == agency.id, Job.status == "published"
        )
    ).all()
    for job in jobs:
        close(job, by)
    return len(jobs)


def unpublish(job: Job, reason: str, by: User) -> None:
    """An admin takes a job down; the agency sees the reason."""
    if not reason.strip():
        raise PortalError("Give a reason: the agency will see it.")
    _end(job, "closed", by, reason.strip())


def expire_due() -> int:
    """Published jobs whose closing date has passed become expired; returns how many.
    Idempotent, and safe beside another worker or an edit: a job changed meanwhile
    (its version moved on) is left to the next pass."""
    jobs = db.session.scalars(
        select(Job).where(Job.status == "published", Job.closes_on < today_pacific())
    ).all()
    expired = 0
    for job in jobs:
        try:
            with db.session.begin_nested():  # a savepoint per job
                job.status = "expired"
                job.ended_at = utcnow()
                search.enqueue([job.id])
                signals.status_changed.send(job)  # webhooks: job.closed
                db.session.flush()
        except StaleDataError:  # another worker expired it, or someone edited it
            continue
        expired += 1
    return expired


def count_view(job: Job) -> None:
    """Count a view of a job page, without recording who viewed it."""
    db.session.execute(
        # updated_at kept: a view is not an edit (the column's onupdate would bump it)
        update(Job)
        .where(Job.id == job.id)
        .values(view_count=Job.view_count + 1, updated_at=Job.updated_at)
        .execution_options(synchronize_session=False)
    )


def is_gone(job: Job) -> bool:
    """Closed, filled or expired long enough ago that the page answers 410 Gone."""
    return (
        job.status in ("closed", "filled", "expired")
        and job.ended_at is not None
        and utcnow() - job.ended_at > GONE_AFTER
    )
