"""Suggested candidates for an agency's published job: profiles made visible to agencies
and qualified members of the pre-qualified lists the agency may see, ranked by the match
score against the agency's own share of the job, shown anonymously (profile fields only)
until the seeker applies or accepts an invitation. Agencies look (each look is counted
like a résumé view), invite to apply (a limited number a day) or mark "Not a fit".
Services flush; the caller commits."""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, time

from flask import current_app, url_for
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from portal import audit, mail
from portal.applications.services import message_text
from portal.errors import PortalError
from portal.extensions import db
from portal.matching import engine
from portal.matching.facts import ShareFacts, load_profiles, load_shares
from portal.matching.score import Match, explain
from portal.matching.weights import STAR_STEPS
from portal.models import (
    Agency,
    Application,
    CandidateView,
    Job,
    JobInvitation,
    JobShare,
    ListMember,
    MatchRejection,
    MatchScore,
    SeekerCredential,
    SeekerProfile,
    User,
)
from portal.models.types import utcnow
from portal.prequal.services import VISIBLE, visible_lists
from portal.seekers import consent
from portal.seekers.services import availability_summary
from portal.timeutil import PACIFIC, today_pacific

MIN_STARS = STAR_STEPS[-1][1]  # fewer stars are not suggested (nor stored)
REFERENCE_RE = re.compile(r"^[0-9a-f]{10}$")


def reference(agency_id: int, job_id: int, profile_id: int) -> str:
    """The opaque name of a candidate for one agency and one job: the same person has
    another reference for another job or agency, so agencies cannot link them."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    text = f"{agency_id}:{job_id}:{profile_id}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:10]


@dataclass
class Candidate:
    """One suggested candidate: what the agency may see of them."""

    profile: SeekerProfile
    match: Match
    ref: str
    invitation: JobInvitation | None = None
    availability: dict = field(default_factory=dict)

    @property
    def profile_id(self) -> int:
        """For the portal's own code only: pages and URLs use ``ref``."""
        return self.profile.id

    @property
    def reference(self) -> str:
        """The opaque name an anonymous candidate goes by."""
        return f"Candidate {self.ref}"

    @property
    def identified(self) -> bool:
        """The seeker accepted an invitation: the agency may see who they are."""
        return self.invitation is not None and self.invitation.status == "accepted"

    @property
    def name(self) -> str:
        return self.profile.user.name if self.identified else self.reference


# --- who may be suggested -------------------------------------------------------------


def agency_share(job: Job, agency: Agency) -> JobShare | None:
    """The agency's own accepted share of the job (the first, for a job with several)."""
    shares = [s for s in job.shares if s.agency_id == agency.id and s.status == "accepted"]
    return min(shares, key=lambda s: s.id) if shares else None


def _share_facts(job: Job, agency: Agency) -> ShareFacts | None:
    share = agency_share(job, agency)
    if share is None or job.status != "published":
        return None
    return load_shares(JobShare.id == share.id).get(share.id)


def _list_members(agency: Agency):
    """User ids of the qualified, unexpired members of the lists the agency may see."""
    ids = [p.id for p in visible_lists(agency)]
    return select(ListMember.seeker_id).where(
        ListMember.list_id.in_(ids or [-1]),
        ListMember.status.in_(VISIBLE),
        ListMember.expires_at > utcnow(),
    )


def _seen_by(agency: Agency):
    """A condition on SeekerProfile: an active seeker whose profile is visible to agencies
    or who is a qualified member of a list the agency may see."""
    user = aliased(User)
    return and_(
        or_(consent.visible_condition(), SeekerProfile.user_id.in_(_list_members(agency))),
        select(user.id).where(user.id == SeekerProfile.user_id, user.active.is_(True)).exists(),
    )


def _eligibility(job_id, agency: Agency):
    """A condition on SeekerProfile for the job ``job_id`` (a value or a column): seen by
    the agency, not applied to the job, not found "not a fit" for it by this agency."""
    applied = aliased(Application)
    rejected = aliased(MatchRejection)
    return and_(
        _seen_by(agency),
        ~select(applied.id)
        .where(applied.job_id == job_id, applied.seeker_id == SeekerProfile.user_id)
        .exists(),
        ~select(rejected.id)
        .where(
            rejected.job_id == job_id,
            rejected.seeker_id == SeekerProfile.user_id,
            rejected.agency_id == agency.id,
        )
        .exists(),
    )


def eligible(job: Job, agency: Agency):
    """A condition on SeekerProfile: visible to agencies or a qualified member of a list
    the agency may see; not applied to the job; not found "not a fit" for it by this
    agency (each employer of a pooled position decides for itself)."""
    return _eligibility(job.id, agency)


def _profile_rows(ids) -> dict[int, SeekerProfile]:
    """The profiles with everything the candidate pages show, in a few queries."""
    return {
        p.id: p
        for p in db.session.scalars(
            select(SeekerProfile)
            .where(SeekerProfile.id.in_(ids))
            .options(
                selectinload(SeekerProfile.user),
                selectinload(SeekerProfile.occupations),
                selectinload(SeekerProfile.regions),
                selectinload(SeekerProfile.communities),
                selectinload(SeekerProfile.credentials).selectinload(SeekerCredential.credential),
            )
        )
    }


RESCORE_MARGIN = 20  # stored scores can lag a little (the index's word weights move)


def _candidates(job: Job, agency: Agency, limit: int, where=None) -> list[Candidate]:
    share = _share_facts(job, agency)
    if share is None:
        return []
    # the profiles whose stored best matches hold this share (the same set the job's
    # numbers count), best stored score first: no scoring of every profile in reach when
    # the page opens. The first ``limit`` and a margin are scored afresh and charted.
    condition = eligible(job, agency)
    if where is not None:
        condition = and_(condition, where)
    best = (
        select(MatchScore.profile_id)
        .join(SeekerProfile, SeekerProfile.id == MatchScore.profile_id)
        .join(User, User.id == SeekerProfile.user_id)
        .where(MatchScore.share_id == share.share_id, User.active.is_(True), condition)
        .order_by(MatchScore.score.desc(), MatchScore.profile_id)
        .limit(limit + RESCORE_MARGIN)
    )
    profiles = load_profiles(SeekerProfile.id.in_(list(db.session.scalars(best))))
    ranked = [
        (m, p)
        for m, p in engine.rank_profiles(share, profiles.values(), limit)
        if m.stars >= MIN_STARS
    ]
    if not ranked:
        return []
    names = engine.names_for([share], audience="agency")
    posting = engine.job_terms([job.id]).get(job.id, frozenset())
    rows = _profile_rows([p.profile_id for _, p in ranked])
    invitations = {
        i.seeker_id: i
        for i in db.session.scalars(
            select(JobInvitation).where(
                JobInvitation.job_id == job.id,
                JobInvitation.agency_id == agency.id,
                JobInvitation.seeker_id.in_([p.user_id for _, p in ranked]),
            )
        )
    }
    found = []
    for _match, facts in ranked:
        terms = engine.profile_terms(facts)
        match = explain(facts, share, engine.similarity(terms, posting) if terms else None, names)
        profile = rows[facts.profile_id]
        found.append(
            Candidate(
                profile=profile,
                match=match,
                ref=reference(agency.id, job.id, profile.id),
                invitation=invitations.get(facts.user_id),
                availability=availability_summary(profile),
            )
        )
    return found


def suggested(job: Job, agency: Agency, limit: int = 20) -> list[Candidate]:
    """The best ``limit`` candidates for the agency's share of the job, best first."""
    return _candidates(job, agency, limit)


def profile_of_reference(job: Job, agency: Agency, ref: str) -> int | None:
    """The id of the eligible profile that goes by ``ref`` for this agency's job."""
    if not REFERENCE_RE.match(ref or "") or _share_facts(job, agency) is None:
        return None
    for profile_id in db.session.scalars(select(SeekerProfile.id).where(eligible(job, agency))):
        if hmac.compare_digest(reference(agency.id, job.id, profile_id), ref):
            return profile_id
    return None


def candidate(job: Job, agency: Agency, ref: str) -> Candidate | None:
    """The candidate of the reference, if a current suggestion for the agency's job."""
    profile_id = profile_of_reference(job, agency, ref)
    if profile_id is None:
        return None
    found = _candidates(job, agency, 1, SeekerProfile.id == profile_id)
    return found[0] if found else None


def _require(job: Job, agency: Agency, ref: str) -> Candidate:
    if agency_share(job, agency) is None:
        raise PortalError("Choose one of your agency's jobs.")
    if job.status != "published":
        raise PortalError("Suggested candidates are for published jobs only.")
    found = candidate(job, agency, ref)
    if found is None:
        raise PortalError("This person is no longer a suggested candidate for this job.")
    return found


def _insert(row, refusal: str) -> None:
    """Add ``row`` in a savepoint: a double submit that lost the race is refused with
    ``refusal`` instead of failing on the unique constraint."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise PortalError(refusal) from None


# --- what the agency does -------------------------------------------------------------


def _start_of_today():
    """Midnight Pacific time today, in UTC."""
    return datetime.combine(today_pacific(), time.min, tzinfo=PACIFIC)


def view(job: Job, agency: Agency, ref: str, by: User) -> Candidate | None:
    """One candidate's detail, the look recorded (the seeker sees it in their log): once
    a Pacific day per viewer, job and candidate."""
    found = candidate(job, agency, ref)
    if found is None:
        return None
    seen = db.session.scalar(
        select(CandidateView.id).where(
            CandidateView.seeker_id == found.profile.user_id,
            CandidateView.job_id == job.id,
            CandidateView.agency_id == agency.id,
            CandidateView.viewer_id == by.id,
            CandidateView.viewed_at >= _start_of_today(),
        )
    )
    if seen is None:
        db.session.add(
            CandidateView(
                seeker_id=found.profile.user_id,
                job_id=job.id,
                agency_id=agency.id,
                viewer_id=by.id,
            )
        )
        audit.record("candidate.viewed", by, found.profile, detail=f"job {job.id}")
        db.session.flush()
    return found


def invitation_wording(job: Job, agency: Agency) -> str:
    """The agency's own wording of the invitation, with the job and agency filled in
    (the seeker's name stays a placeholder: the agency does not know it)."""
    text = message_text(agency.id, "invitation")
    return text.replace("{job}", job.title).replace("{agency}", agency.name)


def invitations_today(agency: Agency) -> list[JobInvitation]:
    """The agency's invitations from matching since midnight Pacific time."""
    return list(
        db.session.scalars(
            select(JobInvitation)
            .where(
                JobInvitation.agency_id == agency.id,
                JobInvitation.list_id.is_(None),
                JobInvitation.created_at >= _start_of_today(),
            )
            .order_by(JobInvitation.created_at)
        )
    )


def _check_limit(agency: Agency) -> None:
    limit = current_app.config["MATCH_INVITES_PER_DAY"]
    if limit <= 0:
        raise PortalError("Invitations to suggested candidates are switched off for now.")
    # one agency's concurrent invitations wait for each other before counting
    db.session.execute(select(Agency.id).where(Agency.id == agency.id).with_for_update())
    sent = invitations_today(agency)
    if len(sent) >= limit:
        raise PortalError(
            f"Your agency has sent {len(sent)} invitations today, its daily limit; the "
            "limit resets at midnight Pacific time."
        )


def _invited(job: Job, seeker_id: int) -> JobInvitation | None:
    """The seeker's invitation to the job, by any agency (one per job and seeker)."""
    return db.session.scalar(
        select(JobInvitation).where(
            JobInvitation.job_id == job.id, JobInvitation.seeker_id == seeker_id
        )
    )


def _refuse_if_invited(job: Job, agency: Agency, seeker_id: int) -> None:
    found = _invited(job, seeker_id)
    if found is None:
        return
    if found.agency_id == agency.id:
        raise PortalError("This candidate is already invited to this job.")
    raise PortalError(
        "Another employer of this pooled position has already invited this candidate."
    )


def invite(job: Job, agency: Agency, ref: str, message: str, by: User) -> JobInvitation:
    """Invite a suggested candidate to apply, by email, in the agency's own wording (the
    ``{name}`` placeholder replaced by the seeker's name)."""
    found = _require(job, agency, ref)
    seeker = found.profile.user
    _refuse_if_invited(job, agency, seeker.id)
    _check_limit(agency)
    invitation = JobInvitation(
        job_id=job.id,
        seeker_id=seeker.id,
        agency_id=agency.id,
        list_id=None,
        invited_by_id=by.id,
        message=message.strip().replace("{name}", seeker.name),
    )
    _insert(invitation, "This candidate is already invited to this job.")
    mail.queue(
        seeker.email,
        f"{agency.name} invites you to apply: {job.title}",
        "match_invitation",
        invitation=invitation,
        job=job,
        agency=agency,
        body=invitation.message,
        link=url_for("prequal.invitations", _external=True),
    )
    audit.record("job.invited", by, job, detail=f"seeker {seeker.id} (suggested candidate)")
    return invitation


def reject(job: Job, agency: Agency, ref: str, by: User) -> None:
    """ "Not a fit": the candidate is not suggested again for this job to this agency."""
    found = _require(job, agency, ref)
    _insert(
        MatchRejection(
            job_id=job.id, seeker_id=found.profile.user_id, agency_id=agency.id, by_id=by.id
        ),
        "This candidate is already marked not a fit for this job.",
    )
    audit.record("candidate.rejected", by, job, detail=f"profile {found.profile.id}")
    db.session.flush()


@dataclass
class SentInvitation:
    """One of the agency's invitations to a job, as its candidates page lists it."""

    invitation: JobInvitation
    applied: bool  # the seeker applied for the job
    ref: str | None  # the candidate's reference (None: the seeker has no profile now)

    @property
    def identified(self) -> bool:
        """The seeker applied or accepted: the agency may see who they are."""
        return self.applied or self.invitation.status == "accepted"

    @property
    def reference(self) -> str:
        """The name the anonymous candidate goes by in the list of suggestions."""
        return f"Candidate {self.ref}" if self.ref else "An anonymous candidate"


def invitations_of(job: Job, agency: Agency) -> list[SentInvitation]:
    """The agency's invitations to this job, newest first, each with whether the seeker
    applied and the reference the candidate goes by (the same as in the suggestions)."""
    invitations = list(
        db.session.scalars(
            select(JobInvitation)
            .where(JobInvitation.job_id == job.id, JobInvitation.agency_id == agency.id)
            .options(selectinload(JobInvitation.seeker))
            .order_by(JobInvitation.created_at.desc(), JobInvitation.id.desc())
        )
    )
    seekers = [i.seeker_id for i in invitations]
    applied = set(
        db.session.scalars(
            select(Application.seeker_id).where(
                Application.job_id == job.id, Application.seeker_id.in_(seekers)
            )
        )
    )
    profiles = dict(
        db.session.execute(
            select(SeekerProfile.user_id, SeekerProfile.id).where(
                SeekerProfile.user_id.in_(seekers)
            )
        ).all()
    )
    return [
        SentInvitation(
            invitation=i,
            applied=i.seeker_id in applied,
            ref=(
                reference(agency.id, job.id, profiles[i.seeker_id])
                if i.seeker_id in profiles
                else None
            ),
        )
        for i in invitations
    ]


# --- numbers for the agency's job pages -----------------------------------------------


def _stored_suggestions(agency: Agency):
    """Stored matches (joined with the share and the profile) of the agency's accepted
    shares that are suggestions: the same eligibility as the candidate list."""
    return (
        select()
        .select_from(MatchScore)
        .join(JobShare, JobShare.id == MatchScore.share_id)
        .join(SeekerProfile, SeekerProfile.id == MatchScore.profile_id)
        .where(
            JobShare.agency_id == agency.id,
            JobShare.status == "accepted",
            _eligibility(MatchScore.job_id, agency),
        )
    )


def suggestion_counts(job_ids: list[int], agency: Agency) -> dict[int, int]:
    """{job id: stored matches of candidates the agency may be suggested} for the agency's
    shares of those jobs (published ones), without applicants and "not a fit"."""
    if not job_ids:
        return {}
    rows = db.session.execute(
        _stored_suggestions(agency)
        .add_columns(MatchScore.job_id, func.count(func.distinct(MatchScore.profile_id)))
        .where(MatchScore.job_id.in_(job_ids))
        .group_by(MatchScore.job_id)
    )
    return dict(rows.all())


def job_stats(job: Job, agency: Agency) -> dict:
    """Matches by stars, invitations sent / accepted / declined (with the reasons) and
    the applications that came from an invitation, for the agency's share of the job."""
    stars = dict(
        db.session.execute(
            _stored_suggestions(agency)
            .add_columns(MatchScore.stars, func.count(func.distinct(MatchScore.profile_id)))
            .where(MatchScore.job_id == job.id)
            .group_by(MatchScore.stars)
        ).all()
    )
    invitations = list(
        db.session.scalars(
            select(JobInvitation).where(
                JobInvitation.job_id == job.id, JobInvitation.agency_id == agency.id
            )
        )
    )
    invited = [i.seeker_id for i in invitations]
    applied = (
        db.session.scalar(
            select(func.count(func.distinct(Application.seeker_id))).where(
                Application.job_id == job.id, Application.seeker_id.in_(invited)
            )
        )
        if invited
        else 0
    )
    return {
        "stars": {n: stars.get(n, 0) for n in range(5, MIN_STARS - 1, -1)},
        "sent": len(invitations),
        "accepted": sum(1 for i in invitations if i.status == "accepted"),
        "declined": sum(1 for i in invitations if i.status == "declined"),
        "reasons": [
            i.decline_reason for i in invitations if i.status == "declined" and i.decline_reason
        ],
        "applied": applied or 0,
        "suggested": suggestion_counts([job.id], agency).get(job.id, 0),
    }
