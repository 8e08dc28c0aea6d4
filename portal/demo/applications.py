"""Demo seekers' profiles, résumés and applications, moved along the pipeline, so the
agency pages have applicants to review (idempotent: seekers with a profile are skipped)."""

import io
import random
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from portal.applications import services as applications
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


def seed_applications(seed: int = 2027) -> dict[str, int]:
    """Runs the real services (which queue emails and build links); the demo's emails
    are neither logged nor kept."""
    app = current_app._get_current_object()
    log_messages = app.config["MAIL_LOG_MESSAGES"]
    last_mail = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    app.config["MAIL_LOG_MESSAGES"] = False
    try:
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            # seeded on purpose: the same demo data every run (nothing secret is drawn)
            created = _seed(random.Random(seed))  # nosec B311
            created["lists"] = _seed_lists(random.Random(seed))  # nosec B311
    finally:
        app.config["MAIL_LOG_MESSAGES"] = log_messages
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > last_mail))
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
                    Agency.slug.like("demo-%"),
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
