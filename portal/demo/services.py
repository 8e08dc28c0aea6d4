"""A realistic, idempotent demo data set: agencies across every region, their staff,
job seekers, one HR champion and one admin. Every demo account shares one password."""

import random

from sqlalchemy import func, select, text

from portal.agencies.services import unique_slug
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models import Agency, Community, CsseaDivision, Membership, Region, Subsector, User
from portal.models.types import utcnow
from portal.timeutil import today_pacific

# published on purpose (printed, in the README); seed-demo refuses in production
DEMO_PASSWORD = "demo-password-2026"  # nosec B105
DEMO_DOMAIN = "demo.sectorjobs.ca"

NAME_PATTERNS = {
    "community-living": [
        "{c} Community Living Society",
        "{c} Association for Community Living",
        "Inclusion {c}",
        "{c} Supported Living Services",
    ],
    "child-family": [
        "{c} Family Services",
        "{c} Child and Family Resource Society",
        "Family Place {c}",
    ],
    "youth": ["{c} Youth Services Society", "{c} Youth Resource Centre", "Pathways Youth {c}"],
    "indigenous": [
        "{c} Native Friendship Centre",
        "{c} Aboriginal Family Services",
        "{c} Indigenous Wellness Society",
    ],
    "settlement": [
        "{c} Immigrant Services Society",
        "{c} Multicultural Society",
        "Newcomer Welcome Centre {c}",
    ],
    "women": [
        "{c} Women's Transition House Society",
        "{c} Women's Resource Centre",
        "Safe Haven {c}",
    ],
    "early-years": [
        "{c} Early Years Centre",
        "{c} Child Care Society",
        "Little Steps {c} Child Care",
    ],
    "mental-health-substance-use": [
        "{c} Mental Health Society",
        "{c} Recovery Services",
        "Clubhouse {c}",
    ],
    "seniors": ["{c} Seniors Support Society", "{c} Better at Home", "{c} Home Support Services"],
    "employment": ["{c} Employment Services", "WorkLink {c}", "{c} Career Connections"],
    "housing": ["{c} Housing Society", "{c} Shelter Society", "Homes First {c}"],
}

FIRST = (
    "Amrit Ava Ben Carmen Chloe Daniel Deepa Emma Ethan Farah Grace Hana Ian Jasmine Jaspreet "
    "Kai Leah Liam Maya Mateo Mei Noah Nora Olivia Omar Priya Quinn Raj Rosa Sam Sara Simran "
    "Tara Theo Uma Victor Wen Willow Yara Zoe"
).split()
LAST = (
    "Anderson Bains Bouchard Brown Campbell Chan Chen Dhillon Dubois Fraser Gill Grewal Jack "
    "Joe Johnson Kaur Khan Lee Li MacDonald Martin Nguyen Patel Paul Robinson Sandhu Singh "
    "Smith Sterling Tait Thomas Tremblay Wang Williams Wilson Wong Young"
).split()

AGENCIES_PER_REGION = 9  # that post jobs (the rest of the sector only reports: sector.py)
SEEKERS = 200
# the agency owners printed among the logins: one whose agency has sent its workforce
# returns (its benchmark page shows figures) and one whose agency has not reported yet
REPORTED_AGENCY = "demo-008"
UNREPORTED_AGENCY = "demo-001"


def _user(email: str, name: str, role: str, password_hash: str) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(
        email=email, name=name, role=role, password_hash=password_hash, email_confirmed_at=utcnow()
    )
    db.session.add(user)
    return user, True


def cssea_division(divisions: dict, subsector_code: str) -> CsseaDivision | None:
    """The CSSEA division of a member agency of the subsector."""
    code = {"community-living": "community-living", "indigenous": "indigenous"}
    return divisions.get(code.get(subsector_code, "general"))


def refresh_statistics() -> None:
    """Have the database look at the tables just filled (ANALYZE, on either backend): a
    fresh PostgreSQL database plans queries for tables it believes nearly empty, and the
    matching queries that then loop over 300 agencies take seconds instead of
    milliseconds."""
    db.session.execute(text("ANALYZE"))


def posting_agencies() -> int:
    """How many demo agencies post jobs: ``demo-001`` on, 9 a region."""
    return AGENCIES_PER_REGION * db.session.scalar(select(func.count(Region.id)))


def posting_agency():
    """The SQL condition of a demo agency that posts jobs (the others only report)."""
    return Agency.slug.in_([f"demo-{n:03d}" for n in range(1, posting_agencies() + 1)])


def seed_demo(seed: int = 2027) -> dict[str, int]:
    """Create whatever of the demo is missing; returns counts of rows created."""
    rng = random.Random(seed)  # nosec B311 # seeded on purpose: the same demo every run
    password_hash = hash_password(DEMO_PASSWORD)  # hashed once, shared by demo accounts
    created = {"agencies": 0, "staff": 0, "seekers": 0, "others": 0}

    for email, name, role in [
        (f"admin@{DEMO_DOMAIN}", "Alex Admin", "admin"),
        (f"champion@{DEMO_DOMAIN}", "Harper Champion", "champion"),
    ]:
        created["others"] += _user(email, name, role, password_hash)[1]

    subsectors = list(db.session.scalars(select(Subsector).order_by(Subsector.code)))
    divisions = {d.code: d for d in db.session.scalars(select(CsseaDivision))}
    regions = list(db.session.scalars(select(Region).order_by(Region.id)))
    if not regions or not subsectors:
        raise RuntimeError("Load the reference data first: flask portal load-reference")

    n = 0
    for region in regions:
        communities = list(
            db.session.scalars(
                select(Community).where(Community.region_id == region.id).order_by(Community.name)
            )
        )
        for i in range(AGENCIES_PER_REGION):
            n += 1
            subsector = subsectors[(n * 7) % len(subsectors)]
            community = communities[(i * 5) % len(communities)]
            pattern = rng.choice(NAME_PATTERNS.get(subsector.code, ["{c} Community Services"]))
            name = pattern.format(c=community.name)
            legal = name if name.endswith("Society") else f"{name} Society"
            member = rng.random() < 0.6
            division = cssea_division(divisions, subsector.code) if member else None
            status = "approved"
            if n % 23 == 0:
                status = "pending"
            elif n == 31:
                status = "suspended"
            slug = f"demo-{n:03d}"
            agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
            if agency is None:
                agency = Agency(
                    legal_name=legal,
                    name=name,
                    slug=slug,
                    region_id=region.id,
                    community_id=community.id,
                    subsector_id=subsector.id,
                    cssea_member=member,
                    cssea_division=division,
                    unionized=rng.random() < (0.8 if member else 0.25),
                    website=f"https://{unique_slug(name)}.example.org",
                    phone=f"250-555-{1000 + n:04d}",
                    status=status,
                    status_reason="Funding agreement under review."
                    if status == "suspended"
                    else None,
                    status_changed_at=utcnow(),
                )
                db.session.add(agency)
                created["agencies"] += 1
            for role, count in (("owner", 1), ("recruiter", 1 + n % 2)):
                for k in range(count):
                    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                    email = f"{role}{k + 1 if role == 'recruiter' else ''}.{slug}@{DEMO_DOMAIN}"
                    user, new = _user(email, person, "agency", password_hash)
                    if new:
                        db.session.add(Membership(user=user, agency=agency, role=role))
                        created["staff"] += 1
    for i in range(1, SEEKERS + 1):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        created["seekers"] += _user(
            f"seeker{i:03d}@{DEMO_DOMAIN}", person, "seeker", password_hash
        )[1]
    db.session.flush()
    # the rest of the sector: agencies that report their workforce but post no jobs
    from portal.demo.sector import seed_sector

    for key, count in seed_sector(password_hash, seed).items():
        created[key] += count
    refresh_statistics()
    return created


def demo_logins() -> list[tuple[str, str]]:
    return [
        ("Administrator", f"admin@{DEMO_DOMAIN}"),
        ("HR champion", f"champion@{DEMO_DOMAIN}"),
        ("Agency owner (has reported)", f"owner.{REPORTED_AGENCY}@{DEMO_DOMAIN}"),
        ("Agency owner (has not reported yet)", f"owner.{UNREPORTED_AGENCY}@{DEMO_DOMAIN}"),
        ("Agency recruiter", f"recruiter1.demo-001@{DEMO_DOMAIN}"),
        ("Agency owner (pending agency)", f"owner.demo-023@{DEMO_DOMAIN}"),
        ("Job seeker", f"seeker001@{DEMO_DOMAIN}"),
    ]


DEMO_JOBS = 400


def _reference_maps() -> dict:
    from portal.models import Credential, Occupation

    return {
        "occupation": {o.noc_code: o.id for o in db.session.scalars(select(Occupation))},
        "community": {c.name: c.id for c in db.session.scalars(select(Community))},
        "credential": {c.code: c.id for c in db.session.scalars(select(Credential))},
    }


def agency_profiles(agencies: list[Agency]) -> list[dict]:
    return [
        {
            "id": a.id,
            "name": a.name,
            "subsector": a.subsector.code,
            "region": a.region.code,
            "community": a.community.name,
        }
        for a in agencies
    ]


def communities_by_region() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for community in db.session.scalars(select(Community).order_by(Community.name)):
        found.setdefault(community.region.code, []).append(community.name)
    return found


def create_generated_jobs(
    rng: random.Random, n: int, agencies: list[Agency], commit_every: int = 500, progress=None
) -> int:
    """Generate ``n`` realistic jobs and post them through the job services (published)."""
    from datetime import timedelta

    from portal.demo.jobs import generate_jobs
    from portal.jobs import services as job_services

    refs = _reference_maps()
    by_id = {a.id: a for a in agencies}
    owners = {a.id: a.owner for a in agencies}
    today = today_pacific()
    now = utcnow()
    specs = generate_jobs(rng, n, agency_profiles(agencies), communities_by_region())
    for count, spec in enumerate(specs, 1):
        agency = by_id[spec["agency_id"]]
        data = {
            "title": spec["title"],
            "description": spec["description"],
            "occupation_id": refs["occupation"][spec["noc"]],
            "community_id": refs["community"][spec["community"]],
            "employment_type": spec["employment_type"],
            "hours_per_week": spec["hours_per_week"],
            "schedule": spec["schedule"],
            "schedule_blocks": spec["schedule_blocks"],
            "pay_min_cents": spec["pay_min_cents"],
            "pay_max_cents": spec["pay_max_cents"],
            "pay_unit": spec["pay_unit"],
            "union_position": spec["union_position"],
            "how_to_apply": spec["how_to_apply"],
            "closes_on": today + timedelta(days=spec["closes_in_days"]),
            "required_credentials": [refs["credential"][c] for c in spec["required_credentials"]],
            "preferred_credentials": [refs["credential"][c] for c in spec["preferred_credentials"]],
        }
        job = job_services.create_draft(agency, data, owners[agency.id])
        job_services.publish(job, owners[agency.id])
        job.published_at = now - timedelta(days=spec["days_open"], minutes=count % 1440)
        if count % commit_every == 0:
            db.session.commit()
        if progress:
            progress(1)
    db.session.commit()
    return n


def seed_jobs(seed: int = 2027) -> int:
    """About 400 published jobs across the approved demo agencies (once)."""
    from portal.models import Job

    demo_agencies = list(
        db.session.scalars(
            select(Agency).where(posting_agency(), Agency.status == "approved").order_by(Agency.id)
        )
    )
    existing = db.session.scalar(
        select(func.count(Job.id)).where(Job.agency_id.in_([a.id for a in demo_agencies]))
    )
    if existing >= DEMO_JOBS or not demo_agencies:
        return 0
    rng = random.Random(seed)  # nosec B311 # seeded on purpose: the same demo every run
    return create_generated_jobs(rng, DEMO_JOBS - existing, demo_agencies)
