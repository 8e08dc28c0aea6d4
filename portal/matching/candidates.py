"""Suggested candidates for an agency's published job: profiles made visible to agencies
and qualified members of the pre-qualified lists the agency may see, ranked by the match
score against the agency's own share of the job, shown anonymously (profile fields only)
until the seeker applies or accepts an invitation. Agencies look (each look is counted
like a résumé view), invite to apply (a limited number a day) or mark "Not a fit".
Services flush; the caller commits."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import and_, func, or_, select

from portal import audit, mail, search
from portal.applications.services import message_text
from portal.errors import PortalError
from portal.extensions import db
from portal.matching import engine
from portal.matching.facts import ProfileFacts, ShareFacts, load_shares, profiles_for_share
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
    SeekerProfile,
    User,
)
from portal.models.types import utcnow
from portal.prequal.services import VISIBLE, visible_lists
from portal.seekers.services import availability_summary
from portal.timeutil import PACIFIC

MIN_STARS = STAR_STEPS[-1][1]  # fewer stars are not suggested (nor stored)


@dataclass
class Candidate:
    """One suggested candidate: what the agency may see of them."""

    profile: SeekerProfile
    match: Match
    invitation: JobInvitation | None = None
    availability: dict = field(default_factory=dict)

    @property
    def profile_id(self) -> int:
        return self.profile.id

    @property
    def reference(self) -> str:
        """The opaque name an anonymous candidate goes by."""
        return f"Candidate {self.profile.id}"

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


def eligible(job: Job, agency: Agency):
    """A condition on SeekerProfile: visible to agencies or a qualified member of a list
    the agency may see; not applied to the job; not found "not a fit" for it."""
    visible = and_(SeekerProfile.visibility == "agencies", SeekerProfile.consent_id.is_not(None))
    return and_(
        or_(visible, SeekerProfile.user_id.in_(_list_members(agency))),
        SeekerProfile.user_id.not_in(
            select(Application.seeker_id).where(Application.job_id == job.id)
        ),
        SeekerProfile.user_id.not_in(
            select(MatchRejection.seeker_id).where(MatchRejection.job_id == job.id)
        ),
    )


def _terms(profile: ProfileFacts) -> frozenset[str]:
    if not profile.terms and profile.text.strip():
        profile.terms = search.text_terms(profile.text)
    return profile.terms


def _candidates(job: Job, agency: Agency, limit: int, where=None) -> list[Candidate]:
    share = _share_facts(job, agency)
    if share is None:
        return []
    condition = eligible(job, agency) if where is None else and_(eligible(job, agency), where)
    profiles = profiles_for_share(share, where=condition)
    ranked = [
        (m, p)
        for m, p in engine.rank_profiles(share, profiles.values(), limit)
        if m.stars >= MIN_STARS
    ]
    if not ranked:
        return []
    names = engine.names_for([share])
    posting = engine.job_terms([job.id]).get(job.id, frozenset())
    rows = {
        p.id: p
        for p in db.session.scalars(
            select(SeekerProfile).where(SeekerProfile.id.in_([p.profile_id for _, p in ranked]))
        )
    }
    invitations = {
        i.seeker_id: i
        for i in db.session.scalars(
            select(JobInvitation).where(
                JobInvitation.job_id == job.id,
                JobInvitation.seeker_id.in_([p.user_id for _, p in ranked]),
            )
        )
    }
    found = []
    for _match, facts in ranked:
        terms = _terms(facts)
        match = explain(facts, share, engine.similarity(terms, posting) if terms else None, names)
        profile = rows[facts.profile_id]
        found.append(
            Candidate(
                profile=profile,
                match=match,
                invitation=invitations.get(facts.user_id),
                availability=availability_summary(profile),
            )
        )
    return found


def suggested(job: Job, agency: Agency, limit: int = 20) -> list[Candidate]:
    """The best ``limit`` candidates for the agency's share of the job, best first."""
    return _candidates(job, agency, limit)


def candidate(job: Job, agency: Agency, profile_id: int) -> Candidate | None:
    """One profile, if it is a current suggestion for the agency's job (else None)."""
    found = _candidates(job, agency, 1, SeekerProfile.id == profile_id)
    return found[0] if found else None


def _require(job: Job, agency: Agency, profile_id: int) -> Candidate:
    if agency_share(job, agency) is None:
        raise PortalError("Choose one of your agency's jobs.")
    if job.status != "published":
        raise PortalError("Suggested candidates are for published jobs only.")
    found = candidate(job, agency, profile_id)
    if found is None:
        raise PortalError("This person is no longer a suggested candidate for this job.")
    return found


# --- what the agency does -------------------------------------------------------------


def view(job: Job, agency: Agency, profile_id: int, by: User) -> Candidate | None:
    """One candidate's detail, the look recorded (the seeker sees it in their log)."""
    found = candidate(job, agency, profile_id)
    if found is None:
        return None
    db.session.add(
        CandidateView(
            seeker_id=found.profile.user_id, job_id=job.id, agency_id=agency.id, viewer_id=by.id
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
    since = utcnow() - timedelta(days=1)
    return list(
        db.session.scalars(
            select(JobInvitation)
            .where(JobInvitation.agency_id == agency.id, JobInvitation.created_at > since)
            .order_by(JobInvitation.created_at)
        )
    )


def _check_limit(agency: Agency) -> None:
    limit = current_app.config["MATCH_INVITES_PER_DAY"]
    sent = invitations_today(agency)
    if len(sent) >= limit:
        resets = (sent[len(sent) - limit].created_at + timedelta(days=1)).astimezone(PACIFIC)
        raise PortalError(
            f"Your agency has sent {len(sent)} invitations today; the limit resets "
            f"{resets:%b %-d at %-I:%M %p} (Pacific time)."
        )


def _invitations_link() -> str:
    endpoint = (
        "matching.invitations"
        if "matching.invitations" in current_app.view_functions
        else "prequal.invitations"
    )
    return url_for(endpoint, _external=True)


def invite(job: Job, agency: Agency, profile_id: int, message: str, by: User) -> JobInvitation:
    """Invite a suggested candidate to apply, by email, in the agency's own wording."""
    found = _require(job, agency, profile_id)
    seeker = found.profile.user
    if found.invitation is not None:
        raise PortalError("This candidate is already invited to this job.")
    _check_limit(agency)
    invitation = JobInvitation(
        job_id=job.id,
        seeker_id=seeker.id,
        agency_id=agency.id,
        list_id=None,
        invited_by_id=by.id,
        message=message.strip(),
    )
    db.session.add(invitation)
    db.session.flush()
    mail.queue(
        seeker.email,
        f"{agency.name} invites you to apply: {job.title}",
        "match_invitation",
        invitation=invitation,
        job=job,
        agency=agency,
        body=invitation.message.replace("{name}", seeker.name),
        link=_invitations_link(),
    )
    audit.record("job.invited", by, job, detail=f"seeker {seeker.id} (suggested candidate)")
    return invitation


def reject(job: Job, agency: Agency, profile_id: int, by: User) -> None:
    """ "Not a fit": the candidate is not suggested again for this job."""
    found = _require(job, agency, profile_id)
    db.session.add(
        MatchRejection(
            job_id=job.id, seeker_id=found.profile.user_id, agency_id=agency.id, by_id=by.id
        )
    )
    audit.record("candidate.rejected", by, job, detail=f"profile {profile_id}")
    db.session.flush()


def invitations_of(job: Job, agency: Agency) -> list[tuple[JobInvitation, bool]]:
    """The agency's invitations to this job, newest first, each with whether the seeker
    applied."""
    invitations = list(
        db.session.scalars(
            select(JobInvitation)
            .where(JobInvitation.job_id == job.id, JobInvitation.agency_id == agency.id)
            .order_by(JobInvitation.created_at.desc(), JobInvitation.id.desc())
        )
    )
    applied = set(
        db.session.scalars(
            select(Application.seeker_id).where(
                Application.job_id == job.id,
                Application.seeker_id.in_([i.seeker_id for i in invitations]),
            )
        )
    )
    return [(i, i.seeker_id in applied) for i in invitations]


# --- numbers for the agency's job pages -----------------------------------------------


def _seen_profiles(agency: Agency):
    visible = and_(SeekerProfile.visibility == "agencies", SeekerProfile.consent_id.is_not(None))
    return select(SeekerProfile.id).where(
        or_(visible, SeekerProfile.user_id.in_(_list_members(agency)))
    )


def suggestion_counts(job_ids: list[int], agency: Agency) -> dict[int, int]:
    """{job id: stored matches of candidates the agency may be suggested} for the agency's
    shares of those jobs (published ones), without applicants and "not a fit"."""
    if not job_ids:
        return {}
    rows = db.session.execute(
        select(MatchScore.job_id, func.count(func.distinct(MatchScore.profile_id)))
        .join(JobShare, JobShare.id == MatchScore.share_id)
        .join(SeekerProfile, SeekerProfile.id == MatchScore.profile_id)
        .where(
            MatchScore.job_id.in_(job_ids),
            JobShare.agency_id == agency.id,
            JobShare.status == "accepted",
            MatchScore.profile_id.in_(_seen_profiles(agency)),
            ~select(Application.id)
            .where(
                Application.job_id == MatchScore.job_id,
                Application.seeker_id == SeekerProfile.user_id,
            )
            .exists(),
            ~select(MatchRejection.id)
            .where(
                MatchRejection.job_id == MatchScore.job_id,
                MatchRejection.seeker_id == SeekerProfile.user_id,
            )
            .exists(),
        )
        .group_by(MatchScore.job_id)
    )
    return dict(rows.all())


def job_stats(job: Job, agency: Agency) -> dict:
    """Matches by stars, invitations sent / accepted / declined (with the reasons) and
    the applications that came from an invitation, for the agency's share of the job."""
    stars = dict(
        db.session.execute(
            select(MatchScore.stars, func.count())
            .join(JobShare, JobShare.id == MatchScore.share_id)
            .where(
                MatchScore.job_id == job.id,
                JobShare.agency_id == agency.id,
                MatchScore.profile_id.in_(_seen_profiles(agency)),
            )
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
