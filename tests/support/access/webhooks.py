"""The access test's world for the rows in ``webhooks.txt`` (``portal/webhooks``).

Ids: {webhook} an endpoint of the target agency, {webhook_delivery} a test delivery queued
for it; {other_webhook} an endpoint of "Other Agency", {other_delivery} a delivery of it.
"""

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"webhook": 1, "webhook_delivery": 1, "other_webhook": 2, "other_delivery": 2}


def build(db, core) -> dict:
    from portal.webhooks import services

    owner, other = core.users["owner"], core.users["other"]
    mine = services.create_endpoint(
        core.agency, "https://hr.example.org/hooks", ["job.published"], owner
    )
    theirs = services.create_endpoint(
        core.other_agency, "https://other.example.org/hooks", ["job.closed"], other
    )
    delivery = services.send_test(mine, owner)
    other_delivery = services.send_test(theirs, other)
    db.session.commit()
    return {
        "webhook": mine.id,
        "webhook_delivery": delivery.id,
        "other_webhook": theirs.id,
        "other_delivery": other_delivery.id,
    }
