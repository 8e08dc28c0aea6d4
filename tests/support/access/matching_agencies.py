"""The access test's world for the rows in ``matching_agencies.txt`` (``portal/matching``).

Ids: {candidate} the profile of a seeker, visible to agencies, that matches {job} (the
target agency's published job): a suggested candidate for it.
"""

from tests.support.factories import new_user

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"candidate": 1}


def build(db, core) -> dict:
    return {"candidate": _candidate(db, new_user, core.job).id}


def _candidate(db, make_user, job):
    """A seeker whose visible profile wants the job's occupation in its community."""
    from portal.models import Community, Occupation
    from portal.seekers import services as seekers

    user = make_user(role="seeker", name="Cora Candidate")
    profile = seekers.get_or_create_profile(user)
    profile.headline = "Support worker"
    profile.occupations = [db.session.get(Occupation, job.occupation_id)]
    profile.communities = [db.session.get(Community, job.community_id)]
    seekers.make_visible(profile, user)
    db.session.commit()
    return profile
