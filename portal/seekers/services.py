"""Seeker rules: the profile, the visibility consent, saved jobs, and what agencies may
search. Services flush; the caller commits."""

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import (
    Application,
    CandidateView,
    Community,
    ConsentRecord,
    Credential,
    Job,
    Occupation,
    Region,
    Resume,
    ResumeView,
    SavedJob,
    SeekerCredential,
    SeekerProfile,
    User,
)
from portal.models.seekers import (
    DAY_PARTS,
    HOURS_WANTED,
    RECOGNITION_STATUSES,
    profile_communities,
    profile_occupations,
    profile_regions,
)
from portal.models.types import utcnow
from portal.seekers import consent, resumes, signals
from portal.timeutil import today_pacific

# the current statement under the names used before ``portal.seekers.consent`` (fixed at
# import: code that must follow a newly published version reads ``consent.current()``)
CONSENT_PURPOSE = consent.PURPOSE
CONSENT_VERSION = consent.current().id
CONSENT_TEXT = consent.current().text


# --- the profile ------------------------------------------------------------------------


def profile_of(user_id: int) -> SeekerProfile | None:
    return db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user_id))


def get_or_create_profile(user: User) -> SeekerProfile:
    profile = profile_of(user.id)
    if profile is None:
        profile = SeekerProfile(
            user_id=user.id,
            visibility="private",
            hours_wanted="any",
            pay_unit="hourly",
            availability=[],
        )
        db.session.add(profile)
        db.session.flush()
    return profile


def _rows(model, ids: list[int], what: str) -> list:
    rows = db.session.scalars(select(model).where(model.id.in_(ids))).all() if ids else []
    if len(rows) != len(set(ids)):
        raise PortalError(f"Choose {what} from the list.")
    return list(rows)


def _check(data: dict) -> None:
    if data["hours_wanted"] not in HOURS_WANTED:
        raise PortalError("Choose the hours you want from the list.")
    if data["pay_unit"] not in ("hourly", "annual"):
        raise PortalError("Choose hourly or annual pay.")
    for weekday, part in data["availability"]:
        if weekday not in range(7) or part not in DAY_PARTS:
            raise PortalError("Choose your availability from the table.")
    for row in data["foreign_credentials"]:
        if not row["name"] or row["recognition"] not in RECOGNITION_STATUSES:
            raise PortalError(
                "Give each credential earned outside Canada a name and its "
                "recognition status in BC."
            )


def update_profile(profile: SeekerProfile, data: dict) -> None:
    """Replace the profile's answers with ``data`` (see ``ProfileForm.profile_data``)."""
    _check(data)
    occupations = _rows(Occupation, data["occupation_ids"], "occupations")
    regions = _rows(Region, data["region_ids"], "regions")
    communities = _rows(Community, data["community_ids"], "communities")
    credentials = _rows(Credential, data["credential_ids"], "credentials")
    _rows(
        Credential,
        [r["credential_id"] for r in data["foreign_credentials"] if r.get("credential_id")],
        "credentials",
    )
    with db.session.no_autoflush:
        for key in (
            "headline",
            "summary",
            "hours_wanted",
            "pay_expectation_cents",
            "pay_unit",
            "willing_to_travel",
            "languages",
            "earliest_start",
        ):
            setattr(profile, key, data[key])
        profile.availability = [
            list(slot)
            for slot in sorted(
                {(weekday, part) for weekday, part in data["availability"]},
                key=lambda slot: (slot[0], DAY_PARTS.index(slot[1])),
            )
        ]
        profile.occupations = occupations
        profile.regions = regions
        profile.communities = communities
        _sync_credentials(profile, credentials, data["foreign_credentials"])
    profile.updated_at = utcnow()
    db.session.flush()
    audit.record("profile.updated", profile.user, profile)
    signals.profile_changed.send(profile)


def _sync_credentials(
    profile: SeekerProfile, listed: list[Credential], foreign: list[dict]
) -> None:
    """Credentials from the list are kept or added; those earned outside Canada are
    replaced by the rows of the form."""
    wanted = {c.id for c in listed}
    for held in list(profile.credentials):
        if held.outside_canada or held.credential_id not in wanted:
            profile.credentials.remove(held)
        else:
            wanted.discard(held.credential_id)
    for credential_id in sorted(wanted):
        profile.credentials.append(SeekerCredential(credential_id=credential_id))
    for row in foreign:
        profile.credentials.append(
            SeekerCredential(
                name=row["name"],
                outside_canada=True,
                country=row["country"],
                recognition=row["recognition"],
                credential_id=row.get("credential_id"),
            )
        )


def listed_credential_ids(profile: SeekerProfile) -> list[int]:
    return [
        c.credential_id
        for c in profile.credentials
        if c.credential_id is not None and not c.outside_canada
    ]


def foreign_credentials(profile: SeekerProfile) -> list[SeekerCredential]:
    return [c for c in profile.credentials if c.outside_canada]


def missing_parts(profile: SeekerProfile | None) -> list[str]:
    """What the seeker could still add, for the dashboard's hint."""
    if profile is None:
        return ["a headline", "the occupations you want", "a résumé"]
    missing = []
    if not profile.headline:
        missing.append("a headline")
    if not profile.occupations:
        missing.append("the occupations you want")
    if not profile.regions and not profile.communities:
        missing.append("where you want to work")
    if profile.resume_id is None:
        missing.append("a résumé")
    return missing


# --- visibility and consent ---------------------------------------------------------------


def make_visible(profile: SeekerProfile, by: User) -> ConsentRecord:
    """Approved agencies may find the profile; the consent to the current statement is
    stored with its exact text. A profile visible under an older version (hidden until
    its owner agrees again) gets a new record: the old one stays, as history."""
    if consent.is_visible(profile):
        return profile.consent
    previous = profile.consent if consent.needs_renewal(profile) else None
    statement = consent.current()
    record = ConsentRecord(
        user_id=by.id,
        purpose=consent.PURPOSE,
        version=statement.id,
        text=statement.text,
        granted_at=utcnow(),
    )
    db.session.add(record)
    profile.consent = record
    profile.visibility = "agencies"
    db.session.flush()
    if previous is not None:
        audit.record(
            "consent.renewed",
            by,
            profile,
            detail=f"consent {record.id} (version {record.version}) replaces consent "
            f"{previous.id} (version {previous.version})",
        )
    else:
        audit.record("profile.visible", by, profile, detail=f"consent {record.id}")
    signals.profile_changed.send(profile)
    return record


def make_private(profile: SeekerProfile, by: User) -> None:
    """Withdraw the consent: the profile is hidden from agencies at once (also the answer
    "keep my profile hidden" to a new version of the statement)."""
    record = profile.consent
    withdrawn = record is not None and record.withdrawn_at is None
    if withdrawn:
        record.withdrawn_at = utcnow()
    chosen_visible = profile.visibility == "agencies"
    profile.visibility = "private"
    profile.consent = None
    db.session.flush()
    signals.profile_changed.send(profile)
    if chosen_visible or withdrawn:
        audit.record(
            "profile.private",
            by,
            profile,
            detail=f"consent {record.id} withdrawn" if withdrawn else None,
        )


def consent_to_renew(user: User) -> ConsentRecord | None:
    """The seeker's consent to an older statement while their profile is meant to be
    visible (``consent.needs_renewal``: they are asked to agree again); else None. One
    small query: it runs before each of a signed-in seeker's pages."""
    profile = db.session.scalar(
        select(SeekerProfile)
        .where(SeekerProfile.user_id == user.id, SeekerProfile.visibility == "agencies")
        .options(joinedload(SeekerProfile.consent))
    )
    return profile.consent if consent.needs_renewal(profile) else None


def last_consent(user: User) -> ConsentRecord | None:
    return db.session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user.id, ConsentRecord.purpose == consent.PURPOSE)
        .order_by(ConsentRecord.granted_at.desc(), ConsentRecord.id.desc())
        .limit(1)
    )


# --- résumés: what the seeker sees --------------------------------------------------------


def attach_resume(user: User, file_storage) -> Resume:
    """Store an uploaded résumé and make it the profile's current one."""
    resume = resumes.store(user, file_storage)
    get_or_create_profile(user).resume = resume
    db.session.flush()
    return resume


def remove_resume(profile: SeekerProfile, by: User) -> None:
    """Unset the current résumé. The file stays for applications it was sent with."""
    if profile.resume_id is None:
        raise PortalError("You have no résumé on your profile.")
    audit.record("resume.removed", by, profile.resume)
    profile.resume = None
    db.session.flush()


def resumes_sent(user: User) -> list[tuple[Resume, list[Job]]]:
    """Résumés sent with the seeker's applications, newest first, with the jobs."""
    rows = db.session.execute(
        select(Resume, Job)
        .join(Application, Application.resume_id == Resume.id)
        .join(Job, Job.id == Application.job_id)
        .where(Resume.user_id == user.id, Application.seeker_id == user.id)
        .order_by(Resume.uploaded_at.desc(), Resume.id.desc(), Job.title)
    ).all()
    sent: dict[int, tuple[Resume, list[Job]]] = {}
    for resume, job in rows:
        sent.setdefault(resume.id, (resume, []))[1].append(job)
    return list(sent.values())


def resume_views(user: User, limit: int = 200) -> list[ResumeView]:
    return list(
        db.session.scalars(
            select(ResumeView)
            .where(ResumeView.seeker_id == user.id)
            .options(selectinload(ResumeView.viewer), selectinload(ResumeView.agency))
            .order_by(ResumeView.viewed_at.desc(), ResumeView.id.desc())
            .limit(limit)
        )
    )


def candidate_views(user: User, limit: int = 200) -> list[CandidateView]:
    """Agencies that looked at the seeker's anonymous profile as a suggested candidate."""
    return list(
        db.session.scalars(
            select(CandidateView)
            .where(CandidateView.seeker_id == user.id)
            .options(selectinload(CandidateView.agency), selectinload(CandidateView.job))
            .order_by(CandidateView.viewed_at.desc(), CandidateView.id.desc())
            .limit(limit)
        )
    )


def own_resume(user: User, resume_id: int) -> Resume | None:
    resume = db.session.get(Resume, resume_id)
    return resume if resume is not None and resume.user_id == user.id else None


# --- saved jobs ---------------------------------------------------------------------------


def can_be_seen(job: Job) -> bool:
    """A seeker sees a job page only when it is not a draft and its agency is approved."""
    return job.status != "draft" and job.agency.status == "approved"


def is_open(job: Job) -> bool:
    return (
        job.status == "published"
        and job.agency.status == "approved"
        and job.closes_on >= today_pacific()
    )


def saved_job(user: User, job: Job) -> SavedJob | None:
    return db.session.scalar(
        select(SavedJob).where(SavedJob.user_id == user.id, SavedJob.job_id == job.id)
    )


def save_job(user: User, job: Job) -> SavedJob:
    """Save an open job; saving it again changes nothing."""
    if not is_open(job):
        raise PortalError("Only open jobs can be saved.")
    saved = saved_job(user, job)
    if saved is None:
        saved = SavedJob(user_id=user.id, job_id=job.id, saved_at=utcnow())
        db.session.add(saved)
        db.session.flush()
    return saved


def unsave_job(user: User, job: Job) -> None:
    saved = saved_job(user, job)
    if saved is not None:
        db.session.delete(saved)
        db.session.flush()


def saved_count(user: User) -> int:
    return db.session.scalar(select(func.count(SavedJob.id)).where(SavedJob.user_id == user.id))


def saved_jobs(user: User) -> list[SavedJob]:
    return list(
        db.session.scalars(
            select(SavedJob)
            .where(SavedJob.user_id == user.id)
            .options(
                selectinload(SavedJob.job).selectinload(Job.agency),
                selectinload(SavedJob.job).selectinload(Job.community),
            )
            .order_by(SavedJob.saved_at.desc(), SavedJob.id.desc())
        )
    )


# --- agencies' search of visible profiles -------------------------------------------------


def visible_profiles(
    occupation_id: int | None = None, region_id: int | None = None, hours: str | None = None
) -> Select:
    """Profiles whose owners consented to be found, filtered; newest updates first."""
    query = (
        select(SeekerProfile)
        .join(SeekerProfile.user)
        .where(
            consent.visible_condition(),
            User.role == "seeker",
            User.active.is_(True),
        )
        .options(
            selectinload(SeekerProfile.user),
            selectinload(SeekerProfile.occupations),
            selectinload(SeekerProfile.regions),
            selectinload(SeekerProfile.communities),
        )
    )
    if occupation_id:
        query = query.where(
            exists().where(
                profile_occupations.c.profile_id == SeekerProfile.id,
                profile_occupations.c.occupation_id == occupation_id,
            )
        )
    if region_id:
        in_region = exists().where(
            profile_regions.c.profile_id == SeekerProfile.id,
            profile_regions.c.region_id == region_id,
        )
        in_community = exists().where(
            profile_communities.c.profile_id == SeekerProfile.id,
            profile_communities.c.community_id == Community.id,
            Community.region_id == region_id,
        )
        query = query.where(or_(in_region, in_community))
    if hours in HOURS_WANTED and hours != "any":
        query = query.where(SeekerProfile.hours_wanted.in_([hours, "any"]))
    return query.order_by(SeekerProfile.updated_at.desc(), SeekerProfile.id.desc())


def availability_summary(profile: SeekerProfile) -> dict[int, list[str]]:
    """{weekday: [day parts]} for the agency's view."""
    summary: dict[int, list[str]] = {}
    for weekday, part in sorted(
        profile.availability or [], key=lambda wp: (wp[0], DAY_PARTS.index(wp[1]))
    ):
        summary.setdefault(weekday, []).append(part)
    return summary
