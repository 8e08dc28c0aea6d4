"""Helpers for the seekers' matching tests: a profile through the seekers' own services and
the data of its form."""

from sqlalchemy import select

from portal.actions import commit
from portal.models import Credential, Occupation, Region
from tests.support.reference import community_id, occupation_id


def credential_id(db, code: str) -> int:
    return db.session.scalar(select(Credential.id).where(Credential.code == code))


def region_id(db, code: str) -> int:
    return db.session.scalar(select(Region.id).where(Region.code == code))


def other_occupation_id(db) -> int:
    """An occupation outside the 422 group (community and social service workers)."""
    return db.session.scalar(select(Occupation.id).where(Occupation.noc_code == "13110"))


def profile_data(db, **overrides) -> dict:
    """``ProfileForm.profile_data()`` of a full-time community support worker in Nelson
    asking $30/h, who holds no credential."""
    data = {
        "headline": "Community support worker",
        "summary": "I support adults with developmental disabilities.",
        "occupation_ids": [occupation_id(db, "42201")],
        "region_ids": [region_id(db, "kootenay")],
        "community_ids": [community_id(db, "Nelson")],
        "hours_wanted": "full_time",
        "pay_expectation_cents": 3000,
        "pay_unit": "hourly",
        "willing_to_travel": False,
        "languages": "English",
        "availability": [(day, part) for day in range(7) for part in ("morning", "day")],
        "earliest_start": None,
        "credential_ids": [],
        "foreign_credentials": [],
    }
    data.update(overrides)
    return data


def make_profile(db, user, **overrides):
    """The seeker's profile saved through ``seekers.services`` (its matches are stored)."""
    from portal.seekers.services import get_or_create_profile, update_profile

    profile = get_or_create_profile(user)
    update_profile(profile, profile_data(db, **overrides))
    commit()
    return profile


def profile_form(db, **overrides) -> dict:
    """What a browser sends from the profile form (same seeker as ``profile_data``)."""
    data = {
        "headline": "Community support worker",
        "summary": "I support adults with developmental disabilities.",
        "occupations": [occupation_id(db, "42201")],
        "regions": [region_id(db, "kootenay")],
        "communities": [community_id(db, "Nelson")],
        "hours_wanted": "full_time",
        "pay_expectation": "30",
        "pay_unit": "hourly",
        "languages": "English",
        "availability": [f"{day}-{part}" for day in range(7) for part in ("morning", "day")],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
