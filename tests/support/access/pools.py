"""The access test's world for the rows in ``pools.txt`` (``portal/pools``).

Ids: {pool} a pooled draft led by the target agency; {lead_share} the target agency's own
share of it; {pool_share} "Other Agency"'s share of it (invited): "other" is the partner.
"""

from tests.support.factories import job_fields

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"pool": 3, "lead_share": 3, "pool_share": 4}


def build(db, core) -> dict:
    pool, lead_share, pool_share = _pool(db, core.agency, core.other_agency)
    return {"pool": pool.id, "lead_share": lead_share.id, "pool_share": pool_share.id}


def _pool(db, agency, partner):
    """A pooled draft of the target agency, with ``partner`` ("Other Agency") invited."""
    from flask import current_app

    from portal.jobs import services as jobs
    from portal.pools import services as pools

    with current_app.test_request_context():  # the invitation email carries a link
        pool = jobs.create_draft(
            agency, job_fields(db, title="Pooled Support Worker", pooled=True), agency.owner
        )
        share = pools.invite(pool, partner, agency.owner)
    db.session.commit()
    return pool, pools.share_of(pool, agency.id), share
