"""The demo job tables (portal/demo/data/) agree with the reference data, and the generator
keeps its promises: descriptions of a readable length, the same jobs for the same seed."""

import csv
import random
from pathlib import Path

import pytest

from portal.demo import jobs

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
