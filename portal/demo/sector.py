"""The rest of the sector on the demo: agencies that send their workforce returns but post
no jobs here, so that the HR champion's dashboard has a realistic sector to add up.

With the agencies that post jobs (``services.seed_demo``: 9 a region, ``demo-001`` to
``demo-072``) the demo has 300 agencies (``demo-073`` on), spread as BC's community social
services are: most in Mainland/Southwest and on Vancouver Island, a few in the north, in
the larger towns, and more community living and child and family agencies than seniors or
employment ones. Each has one owner, who sends its returns. How big each agency is and
which ones report is ``portal.demo.lmi``'s part.

Two places show suppression on the dashboard: ``SMALL_REGION``, which gains no agency here
and where fewer than 5 agencies report, and ``DOMINANT_AGENCY``, a large agency that holds
more than a quarter of its region's staff.
"""

import random

from sqlalchemy import insert, select

from portal.demo.services import (
    DEMO_DOMAIN,
    FIRST,
    LAST,
    NAME_PATTERNS,
    cssea_division,
    posting_agencies,
    posting_agency,
)
from portal.extensions import db
from portal.models import Agency, Community, CsseaDivision, Membership, Region, Subsector, User
from portal.models.types import utcnow

# all agencies of each region on the demo, those that post jobs included (300 in all)
REGION_AGENCIES = {
    "mainland-southwest": 125,
    "vancouver-island-coast": 60,
    "thompson-okanagan": 42,
    "kootenay": 20,
    "cariboo": 18,
    "north-coast": 13,
    "northeast": 13,
    "nechako": 9,
}
# all agencies of each subsector on the demo (the same 300)
SUBSECTOR_AGENCIES = {
    "community-living": 66,
    "child-family": 45,
    "early-years": 30,
    "women": 27,
    "youth": 24,
    "indigenous": 24,
    "mental-health-substance-use": 24,
    "settlement": 18,
    "housing": 18,
    "seniors": 12,
    "employment": 12,
}
SMALL_REGION = "nechako"
# the large agency of a small region, the first agency created here (after the 72 that
# post): its region, town and subsector
DOMINANT_AGENCY = "demo-073"
DOMINANT = ("northeast", "Fort St. John", "community-living")
# where agencies are: towns weigh this much (the others 1)
HUBS = {
    "Vancouver": 14,
    "Surrey": 9,
    "Burnaby": 5,
    "Richmond": 4,
    "Abbotsford": 4,
    "Coquitlam": 3,
    "Chilliwack": 3,
    "New Westminster": 3,
    "North Vancouver (City)": 3,
    "Langley (City)": 2,
    "Langley (Township)": 2,
    "Maple Ridge": 2,
    "Delta": 2,
    "Mission": 2,
    "Victoria": 8,
    "Nanaimo": 5,
    "Saanich": 3,
    "Courtenay": 2,
    "Campbell River": 2,
    "Duncan": 2,
    "Port Alberni": 2,
    "Langford": 2,
    "Kelowna": 6,
    "Kamloops": 6,
    "Vernon": 3,
    "Penticton": 3,
    "Salmon Arm": 2,
    "Nelson": 3,
    "Cranbrook": 3,
    "Trail": 2,
    "Castlegar": 2,
    "Prince George": 6,
    "Williams Lake": 3,
    "Quesnel": 3,
    "Terrace": 3,
    "Prince Rupert": 3,
    "Fort St. John": 3,
    "Dawson Creek": 3,
}
CSSEA_MEMBER_SHARE = 0.55


def _names_taken() -> set[str]:
    return set(db.session.scalars(select(Agency.name)))


def _draw_name(rng: random.Random, subsector: str, towns: list, weights: list, taken: set):
    """(name, community) not yet taken; None when 50 draws found nothing free."""
    patterns = NAME_PATTERNS.get(subsector, ["{c} Community Services"])
    for _ in range(50):
        community = rng.choices(towns, weights)[0]
        name = rng.choice(patterns).format(c=community.name)
        if name not in taken:
            return name, community
    return None


def seed_sector(password_hash: str, seed: int = 2027) -> dict[str, int]:
    """The agencies that only report (slugs numbered on from the agencies that post), each
    with an owner, created in bulk where missing; returns counts of rows created."""
    rng = random.Random(f"{seed}-sector")  # nosec B311 # seeded on purpose: the same demo
    regions = list(db.session.scalars(select(Region).order_by(Region.id)))
    subsectors = {s.code: s for s in db.session.scalars(select(Subsector))}
    divisions = {d.code: d for d in db.session.scalars(select(CsseaDivision))}
    towns: dict[int, list[Community]] = {}
    for community in db.session.scalars(select(Community).order_by(Community.name)):
        towns.setdefault(community.region_id, []).append(community)
    first = posting_agencies() + 1
    demo = list(
        db.session.execute(
            select(Agency.slug, Agency.region_id, Agency.subsector_id).where(posting_agency())
        )
    )
    # what each region and subsector still needs, the subsectors dealt out at random
    code_of = {r.id: r.code for r in regions}
    sub_code = {s.id: s.code for s in subsectors.values()}
    needed = {r.code: REGION_AGENCIES.get(r.code, 0) for r in regions}
    wanted = dict(SUBSECTOR_AGENCIES)
    for _, region_id, subsector_id in demo:
        needed[code_of[region_id]] -= 1
        wanted[sub_code[subsector_id]] -= 1
    dominant_region, dominant_town, dominant_subsector = DOMINANT
    needed[dominant_region] -= 1
    wanted[dominant_subsector] -= 1
    deal = [code for code, n in sorted(wanted.items()) for _ in range(max(0, n))]
    rng.shuffle(deal)
    # (region, subsector, town): the dominant agency first, then the others by region
    plan = [(dominant_region, dominant_subsector, dominant_town)]
    plan += [(r.code, None, None) for r in regions for _ in range(max(0, needed[r.code]))]
    by_code = {r.code: r for r in regions}

    taken = _names_taken()
    existing = set(db.session.scalars(select(Agency.slug).where(Agency.slug.like("demo-%"))))
    now = utcnow()
    agencies, owners = [], []
    for i, (region_code, sub, town) in enumerate(plan):
        region = by_code[region_code]
        sub = sub or (deal.pop() if deal else rng.choice(sorted(subsectors)))
        places = towns[region.id]
        weights = [HUBS.get(c.name, 1) for c in places]
        if town is not None:
            places, weights = [c for c in places if c.name == town], [1]
        drawn = _draw_name(rng, sub, places, weights, taken)
        member = rng.random() < CSSEA_MEMBER_SHARE
        unionized = rng.random() < (0.8 if member else 0.25)
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        slug = f"demo-{first + i:03d}"
        if drawn is None or slug in existing:
            continue
        name, community = drawn
        taken.add(name)
        division = cssea_division(divisions, sub) if member else None
        agencies.append(
            {
                "legal_name": name if name.endswith("Society") else f"{name} Society",
                "name": name,
                "slug": slug,
                "region_id": region.id,
                "community_id": community.id,
                "subsector_id": subsectors[sub].id,
                "cssea_member": member,
                "cssea_division_id": division.id if division else None,
                "unionized": unionized,
                "website": f"https://{slug}.example.org",
                "phone": f"250-555-{1000 + first + i:04d}",
                "status": "approved",
                "status_changed_at": now,
            }
        )
        owners.append(
            {
                "email": f"owner.{slug}@{DEMO_DOMAIN}",
                "name": person,
                "role": "agency",
                "password_hash": password_hash,
                "email_confirmed_at": now,
            }
        )
    if not agencies:
        return {"agencies": 0, "staff": 0}
    # Core executemany (no ORM objects): a few hundred rows at once on either backend
    db.session.execute(insert(Agency.__table__), agencies)
    taken_emails = set(
        db.session.scalars(select(User.email).where(User.email.in_([o["email"] for o in owners])))
    )
    owners = [o for o in owners if o["email"] not in taken_emails]
    if owners:
        db.session.execute(insert(User.__table__), owners)
    agency_ids = dict(
        db.session.execute(
            select(Agency.slug, Agency.id).where(Agency.slug.in_([a["slug"] for a in agencies]))
        ).all()
    )
    user_ids = dict(
        db.session.execute(
            select(User.email, User.id).where(User.email.in_([o["email"] for o in owners]))
        ).all()
    )
    memberships = [
        {"agency_id": agency_ids[slug], "user_id": user_ids[email], "role": "owner"}
        for slug in agency_ids
        if (email := f"owner.{slug}@{DEMO_DOMAIN}") in user_ids
    ]
    if memberships:
        db.session.execute(insert(Membership.__table__), memberships)
    return {"agencies": len(agencies), "staff": len(memberships)}
