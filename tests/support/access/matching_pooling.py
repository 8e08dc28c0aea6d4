"""The access test's world for the rows in ``matching_pooling.txt`` (``portal/matching``).

Ids: {pooling_job} a published part-time job of the target agency (mornings);
{proposal_out} the target agency's open proposal to pool {pooling_job} with an afternoon
job of "Other Agency" (which may accept or decline it; the target's staff may withdraw
it); {proposal_in} "Other Agency"'s open proposal to pool another job of its own with an
evening job of the target agency (the target's staff may accept or decline it).
"""

from tests.support.factories import new_job

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"pooling_job": 5, "proposal_out": 1, "proposal_in": 2}

MORNINGS = [[day, "08:00", "12:00"] for day in range(5)]
AFTERNOONS = [[day, "13:00", "16:00"] for day in range(5)]
EVENINGS = [[day, "17:00", "21:00"] for day in range(5)]
WEEKENDS = [[day, "09:00", "17:00"] for day in (5, 6)]


def build(db, core) -> dict:
    from flask import current_app

    from portal.matching import pooling

    target, other = core.agency, core.other_agency
    mornings = _part_time(db, target, "Morning Pooling Worker", MORNINGS, 20)
    afternoons = _part_time(db, other, "Afternoon Pooling Worker", AFTERNOONS, 15)
    evenings = _part_time(db, target, "Evening Pooling Worker", EVENINGS, 20)
    weekends = _part_time(db, other, "Weekend Pooling Worker", WEEKENDS, 16)
    with current_app.test_request_context():  # the proposal's email carries a link
        out = pooling.propose(mornings, afternoons, target, "", target.owner)
        received = pooling.propose(weekends, evenings, other, "", other.owner)
    db.session.commit()
    return {"pooling_job": mornings.id, "proposal_out": out.id, "proposal_in": received.id}


def _part_time(db, agency, title: str, blocks: list, hours: float):
    job = new_job(agency=agency, title=title, employment_type="part_time", hours_per_week=hours)
    job.shares[0].schedule_blocks = blocks
    db.session.commit()
    return job
