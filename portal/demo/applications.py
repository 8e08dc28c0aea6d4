"""Demo seekers' profiles, résumés and applications, moved along the pipeline, so the
agency pages have applicants to review (idempotent: seekers with a profile are skipped)."""

import io
import random
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from portal.applications import services as applications
from portal.demo.services import posting_agency, refresh_statistics
from portal.extensions import db
from portal.models import (
    Agency,
    Application,
    Credential,
    Job,
    Occupation,
    OutboxMessage,
    Region,
    SeekerProfile,
    User,
)
from portal.models.seekers import DAY_PARTS
from portal.models.types import utcnow
from portal.timeutil import today_pacific

PROFILES = 80
APPLICATIONS = 240
HEADLINES = [
    "Community support worker with {n} years in group homes",
    "Early childhood educator (ECE) — infant/toddler certified",
    "Child and youth care graduate looking for a full-time role",
    "Social worker (BSW) with child protection experience",
    "Mental health and substance use worker, trauma-informed",
    "Internationally trained social worker, recognition in progress",
    "Settlement worker fluent in Punjabi and Hindi",
    "Employment counsellor and career development practitioner",
]
DEMO_QUESTIONS = [
    {
        "text": "Do you hold a valid BC Class 5 driver's licence and have a reliable vehicle?",
        "kind": "yes_no",
        "required": True,
        "knockout_answer": "yes",
    },
    {
        "text": "How soon could you start?",
        "kind": "text",
        "required": True,
        "knockout_answer": None,
    },
]
START_ANSWERS = ["Right away", "In two weeks", "After one month's notice", "From January"]
LANGUAGES = [
    "English",
    "English, French",
    "English, Punjabi",
    "English, Mandarin",
    "English, Tagalog",
    "English, Arabic",
    "English, Spanish",
    "English, Cree",
]


def resume_pdf(name: str, headline: str) -> bytes:
    """A small, valid one-page PDF with the person's name and headline."""

    def literal(value: str) -> str:
        value = value.replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = (
        f"BT /F1 18 Tf 72 720 Td ({literal(name)}) Tj 0 -28 Td /F1 12 Tf "
        f"({literal(headline)}) Tj ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


@contextmanager
def quiet_mail():
    """A request context for the real services (which queue emails and build links);
    the demo's emails are neither logged nor kept."""
    app = current_app._get_current_object()
    log_messages = app.config["MAIL_LOG_MESSAGES"]
    last_mail = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    app.config["MAIL_LOG_MESSAGES"] = False
    try:
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            yield
    finally:
        app.config["MAIL_LOG_MESSAGES"] = log_messages
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > last_mail))


def seed_applications(seed: int = 2027) -> dict[str, int]:
    with quiet_mail():
        # seeded on purpose: the same demo data every run (nothing secret is drawn)
        created = _seed(random.Random(seed))  # nosec B311
        created["lists"] = _seed_lists(random.Random(seed))  # nosec B311
    return created


def _seed(rng: random.Random) -> dict[str, int]:
    from portal.seekers import resumes

    seekers = list(
        db.session.scalars(
            select(User)
            .where(User.role == "seeker", User.email.like("seeker%@demo.sectorjobs.ca"))
            .order_by(User.id)
            .limit(PROFILES)
        )
    )
    have_profile = set(db.session.scalars(select(SeekerProfile.user_id)))
    occupations = list(db.session.scalars(select(Occupation).order_by(Occupation.id)))
    regions = list(db.session.scalars(select(Region).order_by(Region.id)))
    credentials = list(db.session.scalars(select(Credential).order_by(Credential.id)))
    created = {"profiles": 0, "applications": 0}
    for seeker in seekers:
        if seeker.id in have_profile:
            continue
        headline = rng.choice(HEADLINES).format(n=rng.randint(2, 15))
        profile = SeekerProfile(
            user=seeker,
            headline=headline,
            hours_wanted=rng.choice(["any", "full_time", "full_time", "part_time", "casual"]),
            summary="I bring patience, reliability and a person-centred approach.",
            languages=rng.choice(LANGUAGES),
            willing_to_travel=rng.random() < 0.3,
            visibility="private",
            availability=[[d, p] for d in range(7) for p in DAY_PARTS if rng.random() < 0.45],
        )
        profile.occupations = rng.sample(occupations, 2)
        profile.regions = rng.sample(regions, 2)
        db.session.add(profile)
        db.session.flush()
        for credential in rng.sample(credentials, 2):
            profile.credentials.append(_held(credential))
        stored = resumes.store(
            seeker,
            FileStorage(
                io.BytesIO(resume_pdf(seeker.name, headline)),
                filename=f"{seeker.name.replace(' ', '-')}-resume.pdf",
            ),
        )
        profile.resume_id = stored.id
        created["profiles"] += 1
    db.session.flush()
    if db.session.scalar(select(Application.id).limit(1)) is not None:
        return created
    jobs = list(
        db.session.scalars(
            select(Job)
            .join(Agency, Job.agency_id == Agency.id)
            .where(Job.status == "published", Agency.slug.like("demo-%"))
            .order_by(Job.id)
        )
    )
    lead_jobs = [j for j in jobs if j.agency.slug == "demo-001"] or jobs[:5]
    for job in lead_jobs:
        for question in DEMO_QUESTIONS:
            applications.add_question(job, dict(question), job.agency.owner)
    applicants = [s for s in seekers if s.email != "seeker001@demo.sectorjobs.ca"]
    now = utcnow()
    for i in range(APPLICATIONS):
        job = lead_jobs[i % len(lead_jobs)] if i < 40 else rng.choice(jobs)
        seeker = rng.choice(applicants)
        if applications.application_of(job, seeker) is not None:
            continue
        answers = {
            q.id: (
                "yes"
                if q.kind == "yes_no" and rng.random() < 0.9
                else "no"
                if q.kind == "yes_no"
                else rng.choice(START_ANSWERS)
            )
            for q in applications.questions_of(job)
        }
        application = applications.apply(job, seeker, "I would love to join your team.", answers)
        application.submitted_at = now - timedelta(days=rng.randint(0, 20), hours=i % 24)
        target = rng.choice(["new", "new", "screening", "interview", "offer", "declined"])
        for step in ("screening", "interview", "offer"):
            if target == "new" or (target == "declined" and step != "screening"):
                break
            applications.change_status(application.decisions[0], step, job.agency.owner)
            if step == target:
                break
        if target == "declined":
            applications.change_status(application.decisions[0], "declined", job.agency.owner)
        for k, event in enumerate(application.events):  # spread the history over days
            event.created_at = min(now, application.submitted_at + timedelta(days=2 * k))
        for decision in application.decisions:
            decision.updated_at = application.events[-1].created_at
        created["applications"] += 1
    db.session.flush()
    return created


def _held(credential: Credential):
    from portal.models import SeekerCredential

    return SeekerCredential(credential_id=credential.id)


DEMO_LISTS = [
    {
        "name": "New graduates 2027 — Vancouver Island",
        "region": "vancouver-island-coast",
        "visibility": "partners",
        "nocs": ["42201", "42202", "41300"],
        "description": "For 2027 graduates of social service worker, child and youth care, early "
        "childhood education and social work programs. One screening for every "
        "partner agency on the Island: qualified members are invited to their "
        "openings for a year.",
        "questions": [
            {
                "text": "Will you have completed your program by June 2027?",
                "kind": "yes_no",
                "required": True,
            },
            {"text": "Which program and school?", "kind": "text", "required": True},
        ],
    },
    {
        "name": "Internationally trained social service workers — Mainland/Southwest",
        "region": "mainland-southwest",
        "visibility": "approved",
        "nocs": ["42201", "41300"],
        "description": "For social service workers and social workers trained outside Canada. "
        "Tell us where your credential recognition stands; members are seen by "
        "every approved agency on the portal.",
        "questions": [
            {"text": "Where did you earn your credential?", "kind": "text", "required": True}
        ],
    },
]


def _seed_lists(rng: random.Random) -> int:
    """Two pre-qualified lists run by demo agencies, with members at every stage."""
    from portal.models import PrequalList
    from portal.prequal import services as prequal

    if db.session.scalar(select(PrequalList.id).limit(1)) is not None:
        return 0
    today = today_pacific()
    seekers = list(
        db.session.scalars(
            select(User)
            .join(SeekerProfile, SeekerProfile.user_id == User.id)
            .where(
                SeekerProfile.resume_id.is_not(None), User.email != "seeker001@demo.sectorjobs.ca"
            )
            .order_by(User.id)
        )
    )
    for n, spec in enumerate(DEMO_LISTS):
        region = db.session.scalar(select(Region).where(Region.code == spec["region"]))
        agencies = list(
            db.session.scalars(
                select(Agency)
                .where(
                    Agency.region_id == region.id,
                    Agency.status == "approved",
                    posting_agency(),
                )
                .order_by(Agency.id)
                .limit(3)
            )
        )
        lead = agencies[0]
        plist = prequal.create_list(
            lead,
            {
                "name": spec["name"],
                "description": spec["description"],
                "occupation_ids": list(
                    db.session.scalars(
                        select(Occupation.id).where(Occupation.noc_code.in_(spec["nocs"]))
                    )
                ),
                "region_ids": [region.id],
                "credential_ids": [],
                "intake_opens_on": today - timedelta(days=20),
                "intake_closes_on": today + timedelta(days=70),
                "membership_months": 12,
                "visibility": spec["visibility"],
                "questions": spec["questions"],
            },
            lead.owner,
        )
        for partner in agencies[1:]:
            prequal.add_partner(plist, partner, lead.owner)
        for k, seeker in enumerate(seekers[n * 12 : (n + 1) * 12]):
            answers = {
                i: "yes" if q["kind"] == "yes_no" else "Vancouver Island University"
                for i, q in enumerate(spec["questions"])
            }
            member = prequal.join(plist, seeker, answers, consent=True)
            if k % 4 != 0:
                screener = agencies[k % len(agencies)]
                prequal.decide(
                    member,
                    k % 5 != 1,
                    "Screened by phone; references checked."
                    if k % 5 != 1
                    else "Program not yet started.",
                    screener,
                    screener.owner,
                )
    db.session.flush()
    return len(DEMO_LISTS)


# --- matching: recommended jobs, suggested candidates, full-time weeks, pooling ----------

DEMO_SEEKER = "seeker001@demo.sectorjobs.ca"
LEAD_AGENCY = "demo-001"
LEAD_JOB = "Part-Time Respite Care Worker"  # the lead agency's job with suggested candidates
POOLING_JOB = "Residential Care Aide (Part-Time)"  # the lead agency's job a partner proposes
ALL_WEEK = [[d, p] for d in range(7) for p in DAY_PARTS]
SEEKER_CREDENTIALS = (
    "criminal-record-check",
    "first-aid-cpr-c",
    "medication-administration",
    "class-5-licence",
    "driver-abstract",
    "csw-certificate",
    "mandt",
    "foodsafe-1",
    "naloxone",
)
# Profiles made visible to agencies and fitting the lead agency's respite job, from a close
# fit to a partial one: (occupations, credentials, availability, hours wanted, headline).
CANDIDATES = [
    (
        ["44101", "33102"],
        ["criminal-record-check", "first-aid-cpr-c", "class-5-licence"],
        [[d, p] for d in range(5) for p in ("morning", "day")],
        "part_time",
        "Home support worker, six years of respite care for seniors",
    ),
    (
        ["44101"],
        ["criminal-record-check", "first-aid-cpr-c"],
        [[d, "morning"] for d in range(7)],
        "part_time",
        "Respite and home support worker, calm with people living with dementia",
    ),
    (
        ["44101", "42201"],
        ["criminal-record-check", "first-aid-cpr-c", "foodsafe-1"],
        [[d, p] for d in range(4) for p in ("morning", "evening")],
        "any",
        "Caregiver and community support worker looking for morning shifts",
    ),
    (
        ["33102", "44101"],
        ["hca-certificate", "criminal-record-check", "first-aid-cpr-c"],
        [[d, p] for d in range(7) for p in ("morning", "day", "evening")],
        "full_time",
        "Health care assistant (HCA) with home support experience",
    ),
    (
        ["44101"],
        ["criminal-record-check"],
        [[d, "morning"] for d in (0, 1, 3)],
        "casual",
        "Personal support worker new to BC, First Aid renewal booked",
    ),
    (
        ["44101", "42201"],
        ["criminal-record-check", "first-aid-cpr-c", "class-5-licence", "mandt"],
        [[d, p] for d in range(7) for p in ("morning", "day")],
        "full_time",
        "Respite worker with a reliable vehicle, happy to cover rural routes",
    ),
]
# Partner jobs of other agencies in the lead agency's region: one fits the respite job
# (a pooling opportunity), the other is proposed to the lead agency for its care aide job.
PARTNER_JOBS = [
    {
        "title": "Respite Care Worker (Part-Time, Fridays to Sundays)",
        "noc": "44101",
        "blocks": [[d, "07:00", "13:00"] for d in (4, 5, 6)],
        "hours": 18,
        "schedule": "Friday to Sunday, 7:00 a.m. to 1:00 p.m.",
        "pay": (2450, 2700),
        "required": ["criminal-record-check", "first-aid-cpr-c"],
        "preferred": ["class-5-licence"],
        "description": "Give family caregivers a break: respite visits to seniors and adults "
        "with disabilities in their own homes, from personal care and meals to outings and "
        "companionship. Weekend mornings, paired well with a weekday position for a full week.",
    },
    {
        "title": "Residential Care Aide (Part-Time, Weekend Evenings)",
        "noc": "33102",
        "blocks": [[d, "15:00", "21:00"] for d in (4, 5, 6)],
        "hours": 18,
        "schedule": "Friday to Sunday, 3:00 p.m. to 9:00 p.m.",
        "pay": (2600, 2850),
        "required": ["hca-certificate", "criminal-record-check", "first-aid-cpr-c"],
        "preferred": [],
        "description": "Support residents of a small care home with personal care, meals and "
        "evening routines, as part of a warm team. We would like to share this position with "
        "a nearby agency so the right person has a full week.",
    },
]
INVITATION = (
    "Hello — we read your profile and think you would be a great fit for our respite team. "
    "The shifts are weekday mornings in Ahousaht, and mileage is paid between clients. We "
    "would love to receive your application."
)
PROPOSAL = (
    "Our weekend evening care aide shifts and your weekday evening ones would make one "
    "full-time position. Shall we recruit together?"
)


def seed_matching(seed: int = 2027) -> dict[str, int]:
    """What the matching pages show at once: the demo seeker's full-time profile (visible,
    with an invitation waiting), visible profiles suggested for the lead agency's job,
    two partner jobs (a pooling opportunity and a proposal waiting for the lead agency),
    and every profile's stored matches. Call after the search index has the jobs."""
    from portal import search
    from portal.matching import engine

    created = {"partner_jobs": 0, "visible_profiles": 0, "invitations": 0, "proposals": 0}
    refresh_statistics()  # the jobs, profiles and applications just added
    lead = db.session.scalar(select(Agency).where(Agency.slug == LEAD_AGENCY))
    if lead is None or lead.status != "approved":
        return created
    with quiet_mail():
        partners = _partner_jobs(lead)
        created["partner_jobs"] = len([job for job, new in partners if new])
        created["visible_profiles"] = _visible_profiles(lead, random.Random(seed))  # nosec B311
    db.session.commit()
    search.sync_after_commit()  # the partner jobs searchable and matched
    with quiet_mail():
        created["invitations"] = _invitation(lead)
        created["proposals"] = _proposal(lead, [job for job, _ in partners])
    engine.recompute_all()
    db.session.commit()
    return created


def _codes(model, column, codes) -> list:
    found = {getattr(row, column): row for row in db.session.scalars(select(model))}
    return [found[code] for code in codes if code in found]


def _lead_job(lead: Agency, title: str) -> Job | None:
    return db.session.scalar(
        select(Job)
        .where(Job.agency_id == lead.id, Job.title == title, Job.status == "published")
        .order_by(Job.id)
    )


def _partner_jobs(lead: Agency) -> list[tuple[Job, bool]]:
    from portal.jobs import services as job_services

    preferred = ("community-living", "seniors", "mental-health-substance-use")
    others = sorted(
        db.session.scalars(
            select(Agency).where(
                Agency.region_id == lead.region_id,
                Agency.id != lead.id,
                Agency.status == "approved",
                posting_agency(),
            )
        ),
        key=lambda a: (a.subsector.code not in preferred, a.id),
    )
    found = []
    for agency, spec in zip(others, PARTNER_JOBS, strict=False):
        job = db.session.scalar(select(Job).where(Job.title == spec["title"]))
        if job is not None:
            found.append((job, False))
            continue
        credential_ids = {c.code: c.id for c in db.session.scalars(select(Credential))}
        data = {
            "title": spec["title"],
            "description": spec["description"],
            "occupation_id": db.session.scalar(
                select(Occupation.id).where(Occupation.noc_code == spec["noc"])
            ),
            "community_id": agency.community_id,
            "employment_type": "part_time",
            "hours_per_week": spec["hours"],
            "schedule": spec["schedule"],
            "schedule_blocks": spec["blocks"],
            "pay_min_cents": spec["pay"][0],
            "pay_max_cents": spec["pay"][1],
            "pay_unit": "hourly",
            "union_position": False,
            "how_to_apply": "Apply on this portal with your résumé.",
            "closes_on": today_pacific() + timedelta(days=45),
            "required_credentials": [credential_ids[c] for c in spec["required"]],
            "preferred_credentials": [credential_ids[c] for c in spec["preferred"]],
        }
        job = job_services.create_draft(agency, data, agency.owner)
        job_services.publish(job, agency.owner)
        found.append((job, True))
    db.session.flush()
    return found


def _fit(profile: SeekerProfile, occupations, credentials, availability, hours, headline):
    profile.occupations = _codes(Occupation, "noc_code", occupations)
    profile.credentials = [_held(c) for c in _codes(Credential, "code", credentials)]
    profile.availability = availability
    profile.hours_wanted = hours
    profile.headline = headline


def _visible_profiles(lead: Agency, rng: random.Random) -> int:
    """The demo seeker's profile set for full-time work near the lead agency, six
    profiles fitting its respite job and about a quarter of the others, made visible to
    agencies with consent (once: nothing when a profile is already visible)."""
    from portal.models import Community
    from portal.seekers.services import make_visible

    if db.session.scalar(
        select(SeekerProfile.id).where(SeekerProfile.visibility == "agencies").limit(1)
    ):
        return 0
    region = db.session.get(Region, lead.region_id)
    job = _lead_job(lead, LEAD_JOB)
    applied = set(
        db.session.scalars(select(Application.seeker_id).where(Application.job_id == job.id))
        if job is not None
        else []
    )
    profiles = list(
        db.session.scalars(
            select(SeekerProfile)
            .join(User, User.id == SeekerProfile.user_id)
            .where(User.email.like("seeker%@demo.sectorjobs.ca"))
            .order_by(User.email)
        )
    )
    made = 0
    for profile in profiles:
        if profile.user.email != DEMO_SEEKER:
            continue
        _fit(
            profile,
            ["42201", "44101"],
            SEEKER_CREDENTIALS,
            ALL_WEEK,
            "full_time",
            "Community support worker and caregiver, eight years in group homes",
        )
        profile.summary = (
            "I support adults with developmental disabilities and seniors at home: personal "
            "care, medication, outings and life skills. Looking for a full-time week, even "
            "if it is made of two part-time positions."
        )
        profile.regions = [region]
        profile.communities = list(
            db.session.scalars(
                select(Community).where(
                    Community.id.in_({lead.community_id, *_job_communities(region)})
                )
            )
        )
        profile.willing_to_travel = False
        profile.pay_expectation_cents = None
        make_visible(profile, profile.user)
        made += 1
    fitting = [
        p
        for p in profiles
        if p.user.email != DEMO_SEEKER and p.user_id not in applied and p.resume_id is not None
    ][: len(CANDIDATES)]
    for profile, spec in zip(fitting, CANDIDATES, strict=False):
        _fit(profile, *spec)
        profile.regions = [region]
        make_visible(profile, profile.user)
        made += 1
    for profile in profiles:
        if profile.visibility != "agencies" and rng.random() < 0.25:
            make_visible(profile, profile.user)
            made += 1
    db.session.flush()
    return made


def _job_communities(region: Region) -> set[int]:
    """The communities of the region's published part-time community support jobs."""
    return set(
        db.session.scalars(
            select(Job.community_id)
            .join(Occupation, Occupation.id == Job.occupation_id)
            .where(
                Job.region_id == region.id,
                Job.status == "published",
                Job.hours_per_week < 30,
                Occupation.noc_code.in_(["42201", "44101"]),
            )
        )
    )


def _invitation(lead: Agency) -> int:
    """The lead agency invites the demo seeker to apply for its respite job (once)."""
    from portal.matching import candidates
    from portal.models import JobInvitation

    seeker = db.session.scalar(select(User).where(User.email == DEMO_SEEKER))
    job = _lead_job(lead, LEAD_JOB)
    if seeker is None or job is None:
        return 0
    if db.session.scalar(select(JobInvitation.id).where(JobInvitation.seeker_id == seeker.id)):
        return 0
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == seeker.id))
    recruiter = db.session.scalar(
        select(User).where(User.email == f"recruiter1.{LEAD_AGENCY}@demo.sectorjobs.ca")
    )
    ref = candidates.reference(lead.id, job.id, profile.id)
    candidates.invite(job, lead, ref, INVITATION, recruiter or lead.owner)
    return 1


def _proposal(lead: Agency, partner_jobs: list[Job]) -> int:
    """A partner agency proposes pooling its weekend care aide job with the lead agency's
    weekday one (once); the answer waits for the lead agency."""
    from portal.matching import pooling
    from portal.models import PoolingProposal

    job = _lead_job(lead, POOLING_JOB)
    proposer = next((j for j in partner_jobs if j.title == PARTNER_JOBS[1]["title"]), None)
    if job is None or proposer is None:
        return 0
    if db.session.scalar(
        select(PoolingProposal.id).where(PoolingProposal.partner_agency_id == lead.id)
    ):
        return 0
    _ask_alike(proposer, job)
    pooling.propose(proposer, job, proposer.agency, PROPOSAL, proposer.agency.owner)
    return 1


def _ask_alike(proposer: Job, job: Job) -> None:
    """The proposing agency asks for what the other posting asks (credentials, screening
    questions), so that the demo's proposal can be accepted: a pooled position keeps one
    set of each."""
    from portal.models import JobCredential, ScreeningQuestion

    proposer.credentials.clear()
    db.session.flush()  # the old rows go before the same credentials come back
    proposer.credentials.extend(
        JobCredential(credential_id=c.credential_id, required=c.required) for c in job.credentials
    )
    asked = db.session.scalars(
        select(ScreeningQuestion).where(ScreeningQuestion.job_id == job.id)
    ).all()
    for q in asked:
        db.session.add(
            ScreeningQuestion(
                job_id=proposer.id,
                position=q.position,
                text=q.text,
                kind=q.kind,
                required=q.required,
                knockout_answer=q.knockout_answer,
            )
        )
    db.session.flush()
