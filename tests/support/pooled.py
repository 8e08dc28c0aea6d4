"""A published pooled position made through the portal's services (the lead and its
partners each with a share of weekday mornings, afternoons, Saturdays)."""

from flask import current_app

from portal.extensions import db as _db
from tests.support.factories import job_fields

# one schedule per share, none overlapping: 18.75 h, 18.75 h, 4.5 h
SHARE_BLOCKS = (
    [[day, "09:00", "12:45"] for day in range(5)],
    [[day, "13:00", "16:45"] for day in range(5)],
    [[5, "10:00", "14:30"]],
)


def published_pool(lead, partners, title: str = "Pooled Support Worker", **fields):
    """A pooled job of ``lead`` with ``partners`` (one or two agencies) sharing it,
    published; ``fields`` override the job's (``job_fields``)."""
    from portal.jobs import services as jobs
    from portal.pools import services as pools
    from portal.search import sync_after_commit

    data = job_fields(
        _db,
        title=title,
        pooled=True,
        employment_type="part_time",
        hours_per_week=18.75,
        schedule_blocks=SHARE_BLOCKS[0],
    )
    data.update(fields)
    with current_app.test_request_context():  # the invitation emails carry links
        job = jobs.create_draft(lead, data, lead.owner)
        for partner, blocks in zip(partners, SHARE_BLOCKS[1:], strict=False):
            share = pools.invite(job, partner, lead.owner)
            terms = {
                "schedule_blocks": blocks,
                "community_id": partner.community_id,
                "pay_min_cents": 2700,
                "pay_max_cents": 3200,
                "pay_unit": "hourly",
                "unionized": False,
            }
            pools.update_share(share, terms, partner.owner)
            pools.respond(share, True, partner.owner)
        jobs.publish(job, lead.owner)
    _db.session.commit()
    sync_after_commit()
    return job
