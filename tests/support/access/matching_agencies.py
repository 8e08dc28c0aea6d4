"""The access test's world for the rows in ``matching_agencies.txt`` (``portal/matching``).

Ids: {candidate} the opaque reference, for the target agency and {job} (its published
job), of a seeker's profile visible to agencies that matches the job: a suggested candidate.
"""

from tests.support.factories import new_user

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"candidate": "0123456789"}


def build(db, core) -> dict:
    from portal.matching.candidates import reference

    profile = _candidate(db, new_user, core.job)
    return {"candidate": reference(core.agency.id, core.job.id, profile.id)}


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
