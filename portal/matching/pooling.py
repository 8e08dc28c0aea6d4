"""Pooling opportunities: on an agency's part-time vacancy, other approved agencies'
published part-time jobs in the same occupation group and region whose weekly schedules
fit with it. One agency proposes to pool; the other accepts or declines; accepted, the
proposer's job becomes a pooled position holding both postings' shares (the pooled
position rules of ``portal/pools`` apply), and the partner's posting closes, merged into
it. Applications already received stay with their own share.

Services flush; the views commit through ``portal.actions`` (which updates search)."""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from portal import audit, mail, schedules, search
from portal.agencies.permissions import current_membership
from portal.errors import PortalError
from portal.extensions import db
from portal.jobs import signals as job_signals
from portal.matching.facts import noc_group
from portal.matching.weights import PART_TIME_BELOW
from portal.models import (
    Agency,
    Application,
    ApplicationNote,
    Job,
    JobCredential,
    JobInvitation,
    JobShare,
    Membership,
    Occupation,
    SavedJob,
    ScreeningQuestion,
)
from portal.models.matching import MatchDismissal, MatchRejection, MatchScore, PoolingProposal
from portal.models.types import utcnow
from portal.pools import services as pools
from portal.pools.services import full_time_hours

PART_TIME_TYPES = ("part_time", "casual")
MESSAGE_MAX = 2000
CHOOSE_A_JOB = "Choose a job to pool with."


@dataclass(slots=True)
class Opportunity:
    """Another agency's job that could be pooled with ``job``."""

    job: Job
    partner_job: Job
    partner_blocks: list  # the partner job's weekly schedule ([] when not given)
    schedule_given: bool  # both jobs have a weekly schedule (so the fit was checked)
    combined_hours: float
    fte: float
    proposal: PoolingProposal | None  # an open proposal between the two jobs, if any


# --- which jobs qualify ------------------------------------------------------------------


def is_part_time(job: Job) -> bool:
    return (
        job.employment_type in PART_TIME_TYPES
        or job.hours_per_week < PART_TIME_BELOW * full_time_hours()
    )


def lead_share(job: Job) -> JobShare | None:
    return pools.share_of(job, job.agency_id)


def blocks_of(job: Job) -> list:
    share = lead_share(job)
    return list(share.schedule_blocks or []) if share is not None else []


def refusal(job: Job) -> str | None:
    """Why ``job`` cannot be pooled through a proposal (None: it can)."""
    if job.status != "published":
        return f"“{job.title}” is {job.status}: only a published job can be pooled."
    if job.pooled or job.merged_into_id is not None:
        return f"“{job.title}” is already a pooled position."
    if not is_part_time(job):
        return f"“{job.title}” is full-time: only part-time jobs are pooled."
    if job.agency.status != "approved":
        return f"{job.agency.name} is not an approved agency."
    return None


def can_pool(job: Job) -> bool:
    return refusal(job) is None


def is_public_partner(job: Job | None) -> bool:
    """Whether ``job`` may be named to another agency as a pooling partner: a published,
    single-agency posting (not pooled, not merged) of an approved agency."""
    return (
        job is not None
        and job.status == "published"
        and not job.pooled
        and job.merged_into_id is None
        and job.agency.status == "approved"
    )


def _credentials(job: Job) -> set[tuple[int, bool]]:
    return set(
        db.session.execute(
            select(JobCredential.credential_id, JobCredential.required).where(
                JobCredential.job_id == job.id
            )
        ).all()
    )


def _questions(job: Job) -> list[tuple]:
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                ScreeningQuestion.text,
                ScreeningQuestion.kind,
                ScreeningQuestion.required,
                ScreeningQuestion.knockout_answer,
            )
            .where(ScreeningQuestion.job_id == job.id)
            .order_by(ScreeningQuestion.position, ScreeningQuestion.id)
        ).all()
    ]


def _mismatch(job: Job, partner_job: Job) -> str | None:
    """Why the two jobs do not go together (None: they do)."""
    problem = refusal(job) or refusal(partner_job)
    if problem:
        return problem
    if job.agency_id == partner_job.agency_id:
        return "Both jobs are your agency's: pooling joins the jobs of two agencies."
    if job.region_id != partner_job.region_id:
        return f"“{partner_job.title}” is in another region."
    if noc_group(job.occupation.noc_code) != noc_group(partner_job.occupation.noc_code):
        return f"“{partner_job.title}” is in another occupation group."
    own, theirs = blocks_of(job), blocks_of(partner_job)
    if not own or not theirs:
        missing = [j.title for j, blocks in ((job, own), (partner_job, theirs)) if not blocks]
        return (
            "Give both jobs a weekly schedule first (edit the job): "
            f"{' and '.join(f'“{t}”' for t in missing)} "
            f"{'has' if len(missing) == 1 else 'have'} none, so whether they fit is unknown."
        )
    overlap = schedules.clashes(own, theirs)
    if overlap:
        return f"The two jobs' schedules overlap on {', '.join(overlap)}."
    if job.hours_per_week + partner_job.hours_per_week > 80:
        return "The two jobs together come to more than 80 hours a week."
    return None


def _asks_differently(job: Job, partner_job: Job) -> str | None:
    """Why the two postings cannot be merged as they stand (checked on accepting: either
    agency may align its posting after the proposal): the pooled position keeps one set of
    credentials and screening questions."""
    if _credentials(job) != _credentials(partner_job):
        return (
            "The two postings ask for different credentials: align them first "
            "(the pooled position keeps the proposing job's)."
        )
    if _questions(job) != _questions(partner_job):
        return (
            "The two postings ask different screening questions: align them first "
            "(the pooled position keeps the proposing job's)."
        )
    return None


def _open_between(job_id: int, partner_job_id: int) -> PoolingProposal | None:
    """The open proposal between the two jobs, whichever proposed."""
    return db.session.scalar(
        select(PoolingProposal).where(
            PoolingProposal.status == "sent",
            or_(
                (PoolingProposal.job_id == job_id)
                & (PoolingProposal.partner_job_id == partner_job_id),
                (PoolingProposal.job_id == partner_job_id)
                & (PoolingProposal.partner_job_id == job_id),
            ),
        )
    )


def _open_with(job_id: int, other_ids: list[int]) -> dict[int, PoolingProposal]:
    """The open proposals between ``job_id`` and each of ``other_ids`` (one query)."""
    if not other_ids:
        return {}
    rows = db.session.scalars(
        select(PoolingProposal).where(
            PoolingProposal.status == "sent",
            or_(
                (PoolingProposal.job_id == job_id) & PoolingProposal.partner_job_id.in_(other_ids),
                (PoolingProposal.partner_job_id == job_id) & PoolingProposal.job_id.in_(other_ids),
            ),
        )
    )
    return {p.partner_job_id if p.job_id == job_id else p.job_id: p for p in rows}


# --- finding partners ----------------------------------------------------------------------


def opportunities(job: Job, agency: Agency) -> list[Opportunity]:
    """Other approved agencies' published part-time jobs in the same occupation group and
    region as ``job`` whose schedules do not overlap it (a job without a weekly schedule
    is listed, "schedule not given"); fitting schedules first, then by combined hours."""
    if job.agency_id != agency.id or not can_pool(job):
        return []
    limit = PART_TIME_BELOW * full_time_hours()
    candidates = db.session.scalars(
        select(Job)
        .join(Job.agency)
        .join(Job.occupation)
        .where(
            Job.status == "published",
            Job.pooled.is_(False),
            Job.merged_into_id.is_(None),
            Job.agency_id != agency.id,
            Agency.status == "approved",
            Job.region_id == job.region_id,
            Occupation.noc_code.startswith(noc_group(job.occupation.noc_code), autoescape=True),
            or_(Job.employment_type.in_(PART_TIME_TYPES), Job.hours_per_week < limit),
        )
        .options(
            selectinload(Job.shares),
            selectinload(Job.agency),
            selectinload(Job.community),
        )
        .order_by(Job.published_at.desc(), Job.id.desc())
        .limit(200)
    ).all()
    open_proposals = _open_with(job.id, [other.id for other in candidates])
    own = blocks_of(job)
    found = []
    for other in candidates:
        theirs = blocks_of(other)
        if schedules.clashes(own, theirs):
            continue
        combined = job.hours_per_week + other.hours_per_week
        if combined > 80:
            continue
        found.append(
            Opportunity(
                job=job,
                partner_job=other,
                partner_blocks=theirs,
                schedule_given=bool(own and theirs),
                combined_hours=combined,
                fte=pools.fte(combined),
                proposal=open_proposals.get(other.id),
            )
        )
    found.sort(key=lambda o: (not o.schedule_given, -o.combined_hours))
    return found


def sent_for(job: Job) -> list[PoolingProposal]:
    """Proposals sent for ``job`` (any status), newest first."""
    return list(
        db.session.scalars(
            select(PoolingProposal)
            .where(PoolingProposal.job_id == job.id)
            .options(
                selectinload(PoolingProposal.partner_job),
                selectinload(PoolingProposal.partner_agency),
            )
            .order_by(PoolingProposal.created_at.desc(), PoolingProposal.id.desc())
        )
    )


def proposals_for(agency: Agency) -> tuple[list[PoolingProposal], list[PoolingProposal]]:
    """The agency's received and sent proposals, open ones first, newest first."""

    def listed(column) -> list[PoolingProposal]:
        return list(
            db.session.scalars(
                select(PoolingProposal)
                .where(column == agency.id)
                .options(
                    selectinload(PoolingProposal.job),
                    selectinload(PoolingProposal.partner_job),
                    selectinload(PoolingProposal.agency),
                    selectinload(PoolingProposal.partner_agency),
                )
                .order_by(
                    (PoolingProposal.status == "sent").desc(),
                    PoolingProposal.created_at.desc(),
                    PoolingProposal.id.desc(),
                )
            )
        )

    return listed(PoolingProposal.partner_agency_id), listed(PoolingProposal.agency_id)


def waiting_count(agency_id: int) -> int:
    """Open proposals the agency received (the notice on its pages)."""
    return db.session.scalar(
        select(db.func.count(PoolingProposal.id)).where(
            PoolingProposal.partner_agency_id == agency_id, PoolingProposal.status == "sent"
        )
    )


# --- proposing and answering -----------------------------------------------------------


def propose(job: Job, partner_job: Job, agency: Agency, message: str, by) -> PoolingProposal:
    """``agency`` proposes to pool its ``job`` with ``partner_job``; the partner agency's
    owners are emailed."""
    if job.agency_id != agency.id:
        raise PortalError("You can propose pooling only for your own agency's jobs.")
    if not is_public_partner(partner_job):  # never name a draft or a hidden agency
        raise PortalError(CHOOSE_A_JOB)
    problem = _mismatch(job, partner_job)
    if problem:
        raise PortalError(problem)
    if _open_between(job.id, partner_job.id) is not None:
        raise PortalError(
            f"A proposal between these two jobs is already waiting for an answer "
            f"(“{job.title}” and “{partner_job.title}”)."
        )
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise PortalError(f"Keep the message to {MESSAGE_MAX} characters.")
    # one row per ordered pair of jobs: a declined or withdrawn proposal is sent again
    proposal = db.session.scalar(
        select(PoolingProposal).where(
            PoolingProposal.job_id == job.id, PoolingProposal.partner_job_id == partner_job.id
        )
    )
    if proposal is None:
        proposal = PoolingProposal(job=job, partner_job=partner_job)
        db.session.add(proposal)
    proposal.agency_id, proposal.partner_agency_id = agency.id, partner_job.agency_id
    proposal.agency, proposal.partner_agency = agency, partner_job.agency
    proposal.message = message
    proposal.status = "sent"
    proposal.proposed_by_id = by.id if by is not None else None
    proposal.created_at = utcnow()
    proposal.responded_at, proposal.responded_by_id = None, None
    db.session.flush()
    _tell(
        partner_job.agency,
        f"Proposal to pool a position: {partner_job.title}",
        proposal,
        "proposed",
    )
    audit.record("pooling.proposed", by, job, detail=f"with job {partner_job.id}")
    return proposal


def _tell(agency: Agency, subject: str, proposal: PoolingProposal, event: str) -> None:
    for member in db.session.scalars(
        select(Membership).where(Membership.agency_id == agency.id, Membership.role == "owner")
    ):
        mail.queue(
            member.user.email,
            subject,
            "pooling_proposal",
            proposal=proposal,
            event=event,
            full_time=full_time_hours(),
            link=url_for("matching.pooling_proposals", _external=True),
        )


def respond(proposal: PoolingProposal, accept: bool, by) -> Job | None:
    """The partner agency answers. Accepted, the two postings become one pooled position
    (returned): everything is checked again, as either job may have changed since. Both
    jobs and the proposal are locked first, so two proposals involving the same job cannot
    both be accepted at once (the second sees the first's merge)."""
    _lock(proposal)
    if proposal.status != "sent":
        raise PortalError(f"This proposal is no longer open ({proposal.status_label.lower()}).")
    proposal.responded_at = utcnow()
    proposal.responded_by_id = by.id if by is not None else None
    if not accept:
        proposal.status = "declined"
        _tell(proposal.agency, f"Pooling declined: {proposal.job.title}", proposal, "declined")
        audit.record("pooling.declined", by, proposal.job, detail=f"proposal {proposal.id}")
        return None
    problem = _mismatch(proposal.job, proposal.partner_job)
    if problem:
        raise PortalError(f"This proposal can no longer be accepted: {problem}")
    problem = _asks_differently(proposal.job, proposal.partner_job)
    if problem:
        raise PortalError(problem)
    proposal.status = "accepted"
    job = merge(proposal.job, proposal.partner_job, by)
    _tell(proposal.agency, f"Pooling accepted: {job.title}", proposal, "accepted")
    return job


def _lock(proposal: PoolingProposal) -> None:
    """Lock both jobs (in id order) and the proposal, and read them again (PostgreSQL:
    ``SELECT … FOR UPDATE``; SQLite serialises writers anyway)."""
    ids = sorted({proposal.job_id, proposal.partner_job_id})
    db.session.scalars(
        select(Job)
        .where(Job.id.in_(ids))
        .order_by(Job.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    db.session.scalars(
        select(PoolingProposal)
        .where(PoolingProposal.id == proposal.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for job in (proposal.job, proposal.partner_job):
        db.session.expire(job, ["shares"])


def withdraw(proposal: PoolingProposal, by) -> None:
    """The proposing agency takes its proposal back while it is open."""
    if proposal.status != "sent":
        raise PortalError(f"This proposal is no longer open ({proposal.status_label.lower()}).")
    proposal.status = "withdrawn"
    proposal.responded_at = utcnow()
    proposal.responded_by_id = by.id if by is not None else None
    audit.record("pooling.withdrawn", by, proposal.job, detail=f"proposal {proposal.id}")


# --- the merge ----------------------------------------------------------------------------


def merge(a: Job, b: Job, by) -> Job:
    """Job ``a`` becomes a pooled position holding ``b``'s share (with its hours, schedule,
    site and pay) and ``b``'s applications, each decision staying with its own agency's
    share; ``b`` closes, merged into ``a``. Refused (PortalError) if the pooled position
    would break the rules of pooled positions."""
    share = lead_share(b)
    if share is None:
        raise PortalError(f"“{b.title}” has no share of its own to move.")
    share.job = a  # leaves b.shares and joins a.shares
    share.status = "accepted"
    share.responded_at = utcnow()
    a.pooled = True
    db.session.flush()
    try:  # the rules of pooled positions: two accepted shares, schedules not overlapping
        pools.check_publishable(a)
    except PortalError as exc:
        raise PortalError(f"The two jobs cannot be pooled yet: {exc}") from exc
    # the share's stored matches follow it (the recompute of each job then rewrites them)
    db.session.execute(
        update(MatchScore)
        .where(MatchScore.share_id == share.id)
        .values(job_id=a.id)
        .execution_options(synchronize_session=False)
    )
    a.hours_per_week = a.combined_hours
    if a.hours_per_week > 80:
        raise PortalError("The shares together come to more than 80 hours a week.")
    moved, joined = _move_applications(a, b, by)
    _move_seeker_rows(a, b)
    now = utcnow()
    b.status = "closed"
    b.ended_at = now
    b.merged_into_id = a.id
    a.updated_at = now
    _void_other_proposals(a, b, by)
    search.enqueue([a.id, b.id])
    audit.record(
        "pooling.merged",
        by,
        a,
        detail=f"job {b.id} merged in; {moved} applications moved, {joined} joined",
    )
    audit.record("job.closed", by, b, detail=f"merged into pooled position {a.id}")
    job_signals.status_changed.send(b)  # webhooks: job.closed
    return a


def _move_applications(a: Job, b: Job, by) -> tuple[int, int]:
    """B's applications move to A. A seeker who applied to both keeps A's application,
    which takes B's decisions, events and notes; what the seeker sent B's agency (cover
    note, résumé, screening answers) is kept as a note private to B's agency, since the
    application now shows what was sent to A's. Returns (moved, joined)."""
    mine = {
        app.seeker_id: app
        for app in db.session.scalars(select(Application).where(Application.job_id == a.id))
    }
    moved = joined = 0
    for app in db.session.scalars(select(Application).where(Application.job_id == b.id)).all():
        kept = mine.get(app.seeker_id)
        if kept is None:
            app.job = a
            moved += 1
            continue
        for decision in list(app.decisions):
            decision.application = kept
        for event in list(app.events):
            event.application = kept
        db.session.flush()
        db.session.execute(
            update(ApplicationNote)
            .where(ApplicationNote.application_id == app.id)
            .values(application_id=kept.id)
            .execution_options(synchronize_session=False)
        )
        db.session.add(
            ApplicationNote(
                application_id=kept.id,
                agency_id=b.agency_id,
                author_id=by.id if by is not None else None,
                body=_sent_to_b(app, kept, a, b),
            )
        )
        db.session.delete(app)
        joined += 1
    db.session.flush()
    return moved, joined


def _sent_to_b(app: Application, kept: Application, a: Job, b: Job) -> str:
    """The note that keeps what a seeker who applied to both sent to B's agency."""
    lines = [
        f"Added when “{b.title}” was pooled into “{a.title}”: this person had applied to "
        f"both postings. The cover note, résumé and screening answers shown on this page "
        f"are the ones sent to {a.agency.name} for “{a.title}”, not to you.",
        "",
        f"What they sent you for “{b.title}” on {app.submitted_at:%Y-%m-%d}:",
        f"Cover note: {app.cover_note.strip() or '(none)'}",
    ]
    if app.resume is not None:
        same = " — the same file as the one on this page" if app.resume_id == kept.resume_id else ""
        lines.append(
            f"Résumé: {app.resume.filename} (uploaded {app.resume.uploaded_at:%Y-%m-%d}){same}"
        )
    for answer in app.answers:
        lines.append(f"{answer.question_text} — {answer.answer or '(not answered)'}")
    return "\n".join(lines)


def _move_seeker_rows(a: Job, b: Job) -> None:
    """What seekers and agencies said about B follows it to A: open invitations (moved
    unless the seeker already has one for A, then the duplicate goes), "not interested"
    (copied), "not a fit" (moved) and saved jobs (moved unless already saved)."""
    invited = set(
        db.session.scalars(select(JobInvitation.seeker_id).where(JobInvitation.job_id == a.id))
    )
    for invitation in db.session.scalars(
        select(JobInvitation).where(JobInvitation.job_id == b.id, JobInvitation.status == "sent")
    ).all():
        if invitation.seeker_id in invited:
            db.session.delete(invitation)
        else:
            invitation.job_id = a.id
            invited.add(invitation.seeker_id)
    dismissed = set(
        db.session.scalars(select(MatchDismissal.user_id).where(MatchDismissal.job_id == a.id))
    )
    for dismissal in db.session.scalars(
        select(MatchDismissal).where(MatchDismissal.job_id == b.id)
    ).all():
        if dismissal.user_id not in dismissed:
            db.session.add(
                MatchDismissal(
                    user_id=dismissal.user_id,
                    job_id=a.id,
                    reason=dismissal.reason,
                    created_at=dismissal.created_at,
                )
            )
            dismissed.add(dismissal.user_id)
    rejected = set(
        db.session.execute(
            select(MatchRejection.seeker_id, MatchRejection.agency_id).where(
                MatchRejection.job_id == a.id
            )
        ).all()
    )
    for rejection in db.session.scalars(
        select(MatchRejection).where(MatchRejection.job_id == b.id)
    ).all():
        if (rejection.seeker_id, rejection.agency_id) not in rejected:
            rejection.job_id = a.id
            rejected.add((rejection.seeker_id, rejection.agency_id))
    saved = set(db.session.scalars(select(SavedJob.user_id).where(SavedJob.job_id == a.id)))
    for row in db.session.scalars(select(SavedJob).where(SavedJob.job_id == b.id)).all():
        if row.user_id not in saved:
            row.job_id = a.id
            saved.add(row.user_id)
    db.session.flush()


def _void_other_proposals(a: Job, b: Job, by) -> None:
    """Open proposals involving either job can no longer be accepted: withdrawn."""
    others = db.session.scalars(
        select(PoolingProposal).where(
            PoolingProposal.status == "sent",
            or_(
                PoolingProposal.job_id.in_([a.id, b.id]),
                PoolingProposal.partner_job_id.in_([a.id, b.id]),
            ),
        )
    ).all()
    for other in others:
        other.status = "withdrawn"
        other.responded_at = utcnow()
        audit.record("pooling.withdrawn", by, other.job, detail=f"proposal {other.id}: jobs pooled")


# --- the jobs pages (``jobs.signals.page_context``, connected in hooks.py) ----------------


def page_context(page: str, **objects) -> dict:
    """The job page: the pooled position a merged posting is now part of, and for the
    staff of the job's agency the link to its pooling partners. The agency's jobs list:
    which of its jobs may look for pooling partners."""
    if page == "show":
        job = objects["job"]
        merged = db.session.get(Job, job.merged_into_id) if job.merged_into_id else None
        membership = current_membership()
        own = membership is not None and membership.agency_id == job.agency_id
        return {"merged_into": merged, "pooling_link": own and can_pool(job)}
    if page == "agency_jobs":
        return {"pooling_job_ids": {job.id for job in objects["jobs"] if can_pool(job)}}
    return {}
