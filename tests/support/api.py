"""A small world for the API's tests (``tests/test_api_*.py``), seeded once per backend
(``seeded_databases``): two approved agencies with published jobs in several regions,
occupations, types and pay, a pooled position of both, drafts and closed jobs, a pending
and a suspended agency, and personal access tokens of each scope.

``build_api_world()`` returns its ids and the tokens' texts as JSON; ``ApiWorld`` reads it.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from portal import search
from portal.agencies.services import change_status
from portal.api import tokens
from portal.extensions import db as _db
from portal.models import Community, Credential, Job, Membership, Occupation, Region
from portal.models.types import utcnow
from tests.support.factories import new_agency, new_job, new_user
from tests.support.pooled import published_pool

# (title, region code, NOC, employment type, hours, pay min $/h, pay max $/h)
JOBS = [
    ("Youth Outreach Worker", "vancouver-island-coast", "42201", "part_time", 20, 26, 30),
    ("Community Support Worker", "vancouver-island-coast", "42201", "full_time", 37.5, 25, 29),
    ("Residential Youth Worker", "mainland-southwest", "42201", "casual", 12, 27, 31),
    ("Family Support Worker", "mainland-southwest", "42201", "full_time", 35, 28, 33),
    ("Early Childhood Educator", "thompson-okanagan", "42202", "full_time", 37.5, 24, 28),
    ("Infant Toddler Educator", "thompson-okanagan", "42202", "part_time", 24, 25, 29),
    ("Social Worker", "kootenay", "41300", "full_time", 37.5, 38, 45),
    ("Child Protection Social Worker", "mainland-southwest", "41300", "temporary", 37.5, 40, 48),
    ("Outreach Coordinator", "kootenay", "42201", "full_time", 37.5, 30, 34),
    ("Night Support Worker", "vancouver-island-coast", "42201", "casual", 16, 26, 28),
    ("Life Skills Worker", "thompson-okanagan", "42201", "part_time", 25, 25, 27),
    ("Youth Shelter Worker", "mainland-southwest", "42201", "full_time", 40, 27, 32),
]
COPIES = 2  # each twice (a second agency's), so pages of 5 need several


@dataclass
class ApiWorld:
    """The seeded world's ids (``agency``, ``other``, ``pending``, ``suspended``: agency
    ids; ``slugs``; ``jobs``: published job ids; ``pooled``; ``draft``, ``closed``: the
    agency's; ``other_draft``) and tokens (``read``: jobs:read of the agency; ``write``:
    jobs:write only; ``all``: every scope; ``other_read``: jobs:read of the other agency)."""

    ids: dict
    tokens: dict

    @classmethod
    def of(cls, output: str) -> "ApiWorld":
        found = json.loads(output)
        return cls(found["ids"], found["tokens"])

    def bearer(self, name: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def _first(model, column, value) -> int:
    return _db.session.scalar(select(model.id).where(column == value))


def _community_in(region_code: str) -> int:
    return _db.session.scalar(
        select(Community.id)
        .join(Region, Region.id == Community.region_id)
        .where(Region.code == region_code)
        .order_by(Community.name)
    )


def _token(agency, scopes: list[str]) -> str:
    membership = _db.session.scalar(
        select(Membership).where(Membership.agency_id == agency.id, Membership.role == "owner")
    )
    _, raw = tokens.create(membership, f"{' '.join(scopes)} token", scopes, 365)
    _db.session.commit()
    return raw


def build_api_world() -> str:
    agency = new_agency(
        owner=new_user(role="agency", email="owner@api.example"),
        name="Harbour Family Services",
        community_id=_community_in("vancouver-island-coast"),
        about="We support **families** on the island.",
        website="https://harbour.example.org",
    )
    other = new_agency(
        owner=new_user(role="agency", email="other@api.example"),
        name="Valley Community Living",
        community_id=_community_in("thompson-okanagan"),
    )
    pending = new_agency(
        owner=new_user(role="agency", email="pending@api.example"),
        status="pending",
        name="Pending Society",
    )
    suspended = new_agency(
        owner=new_user(role="agency", email="suspended@api.example"), name="Gone Society"
    )
    hidden = new_job(agency=suspended, title="Suspended Agency's Worker")
    with current_app.test_request_context():  # the owner is emailed a link
        change_status(suspended, "suspend", "Closed down.", None)
    _db.session.commit()
    search.sync_after_commit()
    ece = _first(Credential, Credential.code, "ece-certificate")
    first_aid = _db.session.scalar(select(Credential.id).order_by(Credential.id.desc()))
    published = []
    for copy in range(COPIES):
        for n, (title, region, noc, kind, hours, low, high) in enumerate(JOBS):
            extra = {}
            if noc == "42202":
                extra = {"required_credentials": [ece], "preferred_credentials": [first_aid]}
            job = new_job(
                agency=(agency, other)[copy],
                title=title,
                description=f"{title}: support people in the community. **Apply** today.",
                occupation_id=_first(Occupation, Occupation.noc_code, noc),
                community_id=_community_in(region),
                employment_type=kind,
                hours_per_week=hours,
                pay_min_cents=low * 100,
                pay_max_cents=high * 100,
                **extra,
            )
            # distinct publication times, newest last made
            _db.session.execute(
                update(Job)
                .where(Job.id == job.id)
                .values(published_at=utcnow() - timedelta(hours=100 - copy * 50 - n))
            )
            published.append(job.id)
    search.enqueue(published)
    _db.session.commit()
    search.sync_after_commit()
    pooled = published_pool(agency, [other], title="Pooled Youth Worker")
    draft = new_job(agency=agency, status="draft", title="Draft Youth Worker")
    closed = new_job(agency=agency, status="closed", title="Closed Youth Worker")
    other_draft = new_job(agency=other, status="draft", title="Other Draft Worker")
    ids = {
        "agency": agency.id,
        "other": other.id,
        "pending": pending.id,
        "suspended": suspended.id,
        "slugs": {"agency": agency.slug, "other": other.slug, "pending": pending.slug},
        "jobs": published,
        "pooled": pooled.id,
        "hidden": hidden.id,
        "draft": draft.id,
        "closed": closed.id,
        "other_draft": other_draft.id,
    }
    scopes = ["jobs:read", "jobs:write", "applications:read"]
    secrets = {
        "read": _token(agency, ["jobs:read"]),
        "write": _token(agency, ["jobs:write"]),
        "all": _token(agency, scopes),
        "other_read": _token(other, ["jobs:read"]),
    }
    return json.dumps({"ids": ids, "tokens": secrets})


# --- tokens for a test's own staff (tests/test_api_write.py, tests/test_api_tokens.py) ---

ALL_SCOPES = ("jobs:read", "jobs:write", "applications:read")


def membership_of(user, agency) -> Membership:
    return _db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.agency_id == agency.id)
    )


def make_token(membership: Membership, scopes=ALL_SCOPES, days: int = 365, name="Test token"):
    """A personal access token of ``membership`` (committed): its text."""
    _, raw = tokens.create(membership, name, list(scopes), days)
    _db.session.commit()
    return raw


def auth(raw: str) -> dict:
    """The header that sends token ``raw``."""
    return {"Authorization": f"Bearer {raw}"}


def applied(job, name: str = "Ann Applicant", cover_note: str = "Cover note", answers=None):
    """An application to ``job`` by a new seeker with a PDF résumé (committed); ``answers``:
    question id -> answer."""
    import io

    from werkzeug.datastructures import FileStorage

    from portal.applications import services as applications
    from portal.seekers import resumes
    from portal.seekers import services as seekers

    applicant = new_user(role="seeker", name=name)
    seekers.get_or_create_profile(applicant).resume = resumes.store(
        applicant, FileStorage(io.BytesIO(b"%PDF-1.4 " + name.encode()), filename="cv.pdf")
    )
    with current_app.test_request_context():  # the emails it sends carry links
        application = applications.apply(job, applicant, cover_note, answers or {})
    _db.session.commit()
    return application
