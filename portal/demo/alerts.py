"""The demo seeker's job alerts: a saved search and a "jobs that match my profile" alert,
both confirmed, so ``/alerts`` shows what an alert looks like at once."""

import secrets

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal import search
from portal.alerts.describe import canonical
from portal.alerts.services import PERIODS
from portal.extensions import db
from portal.models import Region, SavedSearch, User
from portal.models.types import utcnow

DEMO_SEEKER = "seeker001@demo.sectorjobs.ca"


def seed_alerts() -> dict[str, int]:
    """Create the demo seeker's alerts unless they have some already."""
    user = db.session.scalar(select(User).where(User.email == DEMO_SEEKER))
    if user is None or db.session.scalar(
        select(SavedSearch.id).where(SavedSearch.user_id == user.id).limit(1)
    ):
        return {"alerts": 0}
    region = db.session.scalar(select(Region.id).where(Region.code == "vancouver-island-coast"))
    query = canonical(
        search.SearchParams.from_args(
            MultiDict([("q", "support worker"), ("region", str(region)), ("type", "part_time")])
        )
    )
    now = utcnow()
    for kind, frequency, fields in (
        ("search", "daily", {"query": query}),
        ("matches", "weekly", {"min_stars": 4}),
    ):
        db.session.add(
            SavedSearch(
                user_id=user.id,
                email=user.email,
                kind=kind,
                frequency=frequency,
                nonce=secrets.token_hex(16),
                confirmed_at=now,
                next_run_at=now + PERIODS[frequency],
                **fields,
            )
        )
    db.session.flush()
    return {"alerts": 2}
