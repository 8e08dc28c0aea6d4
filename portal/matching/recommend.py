"""The seeker's side of matching: recommended jobs from the stored ``match_scores`` (stored
first when a profile never was), "Not interested", and the charts shown
with the agencies' invitations to apply."""

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.errors import PortalError
from portal.extensions import db
from portal.matching import engine
from portal.matching.facts import (
    load_shares,
    open_share_condition,
    profile_facts,
)
from portal.matching.score import Match
from portal.models import (
    Agency,
    Application,
    Community,
    Job,
    JobShare,
    MatchDismissal,
    MatchScore,
    SeekerProfile,
    User,
)
from portal.models.jobs import EMPLOYMENT_TYPES
from portal.seekers import services as seekers

REASON_MAX = 500


@dataclass(slots=True)
class Recommendation:
    job: Job
    share: JobShare
    match: Match  # with its chart
    stars: int
    applied: bool

    @property
    def pooled(self) -> bool:
        return self.job.pooled


@dataclass(slots=True)
class Recommended:
    items: list[Recommendation] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    profile: SeekerProfile | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def needs_profile(self) -> bool:
        """No profile, or no occupations: the seeker should complete the profile."""
        return self.profile is None or not self.profile.occupations


def dismissed_job_ids(user: User) -> set[int]:
    return set(
        db.session.scalars(select(MatchDismissal.job_id).where(MatchDismissal.user_id == user.id))
    )


def applied_job_ids(user: User, job_ids) -> set[int]:
    job_ids = set(job_ids)
    if not job_ids:
        return set()
    return set(
        db.session.scalars(
            select(Application.job_id).where(
                Application.seeker_id == user.id,
                Application.withdrawn_at.is_(None),
                Application.job_id.in_(job_ids),
            )
        )
    )


def _stored(profile_id: int, region_id, employment_type, pooled, dismissed) -> list[tuple]:
    """(score, stars, share id, job id) of the profile's stored open matches, best first."""
    query = (
        select(MatchScore.score, MatchScore.stars, MatchScore.share_id, MatchScore.job_id)
        .join(JobShare, JobShare.id == MatchScore.share_id)
        .join(Job, Job.id == JobShare.job_id)
        .join(Agency, Agency.id == Job.agency_id)
        .where(
            MatchScore.profile_id == profile_id,
            open_share_condition(),
            Job.merged_into_id.is_(None),
        )
        .order_by(MatchScore.score.desc(), MatchScore.share_id)
    )
    if region_id is not None:
        query = query.join(Community, Community.id == JobShare.community_id).where(
            Community.region_id == region_id
        )
    if employment_type is not None:
        query = query.where(Job.employment_type == employment_type)
    if pooled is not None:
        query = query.where(Job.pooled.is_(pooled))
    return [row for row in db.session.execute(query).all() if row[3] not in dismissed]


def recommended(
    user: User,
    region_id: int | None = None,
    employment_type: str | None = None,
    pooled: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Recommended:
    """The seeker's recommended open jobs, best first, one entry per job (a pooled job's
    best share), each with its chart; ``page`` of ``per_page``."""
    profile = seekers.profile_of(user.id)
    result = Recommended(page=max(1, page), per_page=per_page, profile=profile)
    if profile is None:
        return result
    if employment_type is not None and employment_type not in EMPLOYMENT_TYPES:
        employment_type = None
    facts = profile_facts(profile.id)
    if facts is None:
        return result
    dismissed = dismissed_job_ids(user)
    engine.ensure_profile(profile)  # bookkeeping: the caller commits
    rows = _stored(profile.id, region_id, employment_type, pooled, dismissed)
    best: dict[int, tuple] = {}
    for row in rows:  # best first: the first share of each job is its best
        best.setdefault(row[3], row)
    ordered = list(best.values())
    result.total = len(ordered)
    start = (result.page - 1) * per_page
    chosen = ordered[start : start + per_page]
    if not chosen:
        return result
    share_facts = load_shares(JobShare.id.in_([row[2] for row in chosen]))
    charts = engine.charts(facts, list(share_facts.values()))
    shares = {
        s.id: s
        for s in db.session.scalars(
            select(JobShare)
            .where(JobShare.id.in_(list(share_facts)))
            .options(
                selectinload(JobShare.community),
                selectinload(JobShare.job).selectinload(Job.shares).selectinload(JobShare.agency),
            )
        )
    }
    applied = applied_job_ids(user, [row[3] for row in chosen])
    for _score, stars, share_id, job_id in chosen:
        if share_id not in charts:
            continue
        share = shares[share_id]
        result.items.append(
            Recommendation(
                job=share.job,
                share=share,
                match=charts[share_id],
                stars=stars,
                applied=job_id in applied,
            )
        )
    return result


# --- Not interested -------------------------------------------------------------------


def dismiss(user: User, job: Job, reason: str = "") -> MatchDismissal:
    """The job is not recommended to the seeker again (idempotent; a new reason replaces
    the old one)."""
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise PortalError(f"Keep the reason under {REASON_MAX} characters.")
    found = dismissal_of(user, job.id)
    if found is None:
        found = MatchDismissal(user_id=user.id, job_id=job.id, reason=reason)
        try:
            with db.session.begin_nested():  # a double submit: the first one stays
                db.session.add(found)
        except IntegrityError:
            found = dismissal_of(user, job.id)
            if found is None:
                raise PortalError("Try again: the job could not be set aside.") from None
    if reason:
        found.reason = reason
    db.session.flush()
    return found


def undo_dismiss(user: User, job: Job) -> None:
    db.session.execute(
        delete(MatchDismissal).where(
            MatchDismissal.user_id == user.id, MatchDismissal.job_id == job.id
        )
    )


def dismissal_of(user: User, job_id: int) -> MatchDismissal | None:
    return db.session.scalar(
        select(MatchDismissal).where(
            MatchDismissal.user_id == user.id, MatchDismissal.job_id == job_id
        )
    )


def dismissed(user: User) -> list[MatchDismissal]:
    """The seeker's own "Not interested" list, newest first."""
    return list(
        db.session.scalars(
            select(MatchDismissal)
            .where(MatchDismissal.user_id == user.id)
            .options(selectinload(MatchDismissal.job))
            .order_by(MatchDismissal.created_at.desc(), MatchDismissal.id.desc())
        )
    )


# --- invitations -----------------------------------------------------------------------


def invitation_charts(user: User, invitations) -> dict[int, Match]:
    """The match (with its chart) of each invitation's job for the seeker, by invitation id;
    jobs no longer open have none. A pooled job: its best share."""
    profile = seekers.profile_of(user.id)
    job_ids = {i.job_id for i in invitations}
    if profile is None or not job_ids:
        return {}
    facts = profile_facts(profile.id)
    if facts is None:
        return {}
    shares = load_shares(JobShare.job_id.in_(job_ids))
    best: dict[int, Match] = {}
    for match in engine.charts(facts, list(shares.values())).values():
        if match.job_id not in best or match.score > best[match.job_id].score:
            best[match.job_id] = match
    return {i.id: best[i.job_id] for i in invitations if i.job_id in best}


def invitation_page(invitations, user) -> dict:
    """The template variables matching adds to the seeker's invitations page."""
    return {"match_charts": invitation_charts(user, invitations)}
