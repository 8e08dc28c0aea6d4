"""The demo job tables (portal/demo/data/) agree with the reference data, and the generator
keeps its promises: descriptions of a readable length, the same jobs for the same seed, and
postings that send seekers to the portal's own Apply now, as the demo's job pages do."""

import csv
import random
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.demo import jobs
from portal.models import Job

REFERENCE = Path(jobs.__file__).resolve().parents[1] / "reference" / "data"


def codes(name: str, column: str) -> set[str]:
    with open(REFERENCE / name, newline="", encoding="utf-8") as handle:
        return {row[column] for row in csv.DictReader(handle)}


def role_credentials(role: dict) -> set[str]:
    return {code for option in (*role["req"], *role["extra"]) for code in option} | set(
        role["pref"]
    )


def test_roles_use_reference_occupations_and_credentials():
    nocs = codes("occupations.csv", "noc_code")
    credentials = codes("credentials.csv", "code")
    assert set(jobs.CRED_SHORT) == credentials == set(jobs.CRED_REQUIRED)
    for key, role in jobs.ROLES.items():
        assert role["noc"] in nocs, key
        assert role_credentials(role) <= credentials, key
        assert role["sched"] in jobs.SCHEDULES, key
        assert role["mix"] in jobs.TYPE_MIXES, key


def test_subsectors_match_reference_and_hire_known_roles():
    assert set(jobs.SUBSECTORS) == codes("subsectors.csv", "code")
    assert jobs.DEFAULT_SUBSECTOR in jobs.SUBSECTORS
    for code, subsector in jobs.SUBSECTORS.items():
        assert set(subsector["roles"]) <= set(jobs.ROLES), code
        assert set(subsector["roles"]) & jobs.CORE_ROLES[code], f"{code} has no core role"
    for key, role in jobs.ROLES.items():
        assert set(role["sub_titles"]) <= set(jobs.SUBSECTORS), key


@pytest.fixture(scope="module")
def agencies_and_communities():
    communities: dict[str, list[str]] = {}
    with open(REFERENCE / "communities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            communities.setdefault(row["region_code"], []).append(row["name"])
    setup = random.Random(1)  # nosec B311 # seeded: the same sample every run
    agencies = []
    for i, sub in enumerate(sorted(jobs.SUBSECTORS) * 3):
        region = sorted(communities)[i % len(communities)]
        town = setup.choice(communities[region])
        agencies.append(
            {
                "id": i + 1,
                "name": f"{town} {sub.replace('-', ' ').title()} Society",
                "subsector": sub,
                "region": region,
                "community": town,
            }
        )
    return agencies, communities


def test_descriptions_are_a_readable_length(agencies_and_communities):
    agencies, communities = agencies_and_communities
    many = jobs.generate_jobs(random.Random(7), 20_000, agencies, communities)  # nosec B311
    words = [len(job["description"].split()) for job in many]
    assert jobs.MIN_WORDS <= min(words) and max(words) <= jobs.MAX_WORDS
    assert len({job["title"] for job in many}) > 200


def test_the_same_seed_gives_the_same_jobs(agencies_and_communities):
    agencies, communities = agencies_and_communities
    first = jobs.generate_jobs(random.Random(7), 50, agencies, communities)  # nosec B311
    again = jobs.generate_jobs(random.Random(7), 50, agencies, communities)  # nosec B311
    other = jobs.generate_jobs(random.Random(8), 50, agencies, communities)  # nosec B311
    assert first == again
    assert first != other


# Seekers apply with the job page's Apply now button (their résumé on the portal and a cover
# note): a posting never gives an email or web address, nor asks for a résumé by email, by
# mail or in person.
ADDRESS = re.compile(r"@|https?://|www\.|\.example\.", re.IGNORECASE)
RESUME = re.compile(r"r[ée]sum[ée]|\bCV\b|cover letter", re.IGNORECASE)
HANDED_IN = re.compile(
    r"\be-?mail|\bdrop(?:ped)?[ -]?off|\bmail\b|\bfax|\bin person\b|\bbring\b|\boffice\b",
    re.IGNORECASE,
)
THROUGH_THE_PORTAL = re.compile(r"\bportal\b|Apply now", re.IGNORECASE)


def off_the_portal(text: str) -> list[str]:
    """The sentences of ``text`` that send a seeker elsewhere to apply."""
    sentences = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [s for s in sentences if ADDRESS.search(s) or (RESUME.search(s) and HANDED_IN.search(s))]


def check_apply_through_the_portal(postings) -> None:
    for description, how_to_apply in postings:
        assert not off_the_portal(description), description
        assert not off_the_portal(how_to_apply), how_to_apply
        assert THROUGH_THE_PORTAL.search(how_to_apply), how_to_apply


def test_postings_say_to_apply_through_the_portal(agencies_and_communities):
    agencies, communities = agencies_and_communities
    many = jobs.generate_jobs(random.Random(11), 5_000, agencies, communities)  # nosec B311
    check_apply_through_the_portal((job["description"], job["how_to_apply"]) for job in many)
    # and every wording the generator can choose from, used or not
    for wording in (*jobs.APPLY_LINES, *jobs.APPLY_EXTRAS, *jobs.SECTION_41.values()):
        assert not off_the_portal(wording), wording
    # the check finds what it looks for
    for wrong in (
        "Email your cover letter and resume to hr@agency.example.org.",
        "Drop off your résumé at our Nanaimo office.",
        "Apply online at https://agency.example.org/careers.",
        "Please mail your resume and a cover letter to our office.",
    ):
        assert off_the_portal(wrong), wrong


def test_every_demo_job_says_to_apply_through_the_portal(demo, db):
    postings = db.session.execute(select(Job.description, Job.how_to_apply)).all()
    assert len(postings) >= 400
    check_apply_through_the_portal(postings)
