"""Suggested candidates through their pages (``tests/test_matching_agencies.py``): seekers
whose profiles match a job, pre-qualified lists set up directly, and what the agency's
candidate pages show."""

import re
from datetime import timedelta

from sqlalchemy import select

from portal.models import Community, Credential, ListMember, PrequalList, Region
from portal.models.types import utcnow
from portal.timeutil import today_pacific
from tests.support.pages import text
from tests.support.reference import code_id, occupation_id

CANDIDATE_RE = re.compile(
    r'<a class="candidate-link" href="/agency/jobs/(\d+)/candidates/([0-9a-f]{10})">([^<]+)</a>'
)


def ref_of(agency, job, profile_id: int) -> str:
    """The opaque reference the agency sees the profile under for the job."""
    from portal.matching.candidates import reference

    return reference(agency.id, job.id, profile_id)


def job_region(db, job) -> Region:
    return db.session.get(Community, job.community_id).region


def profile_form(db, job, nocs=("42201",), credentials=(), region=None, **extra) -> dict:
    """A profile form that matches ``job``'s place (its region) unless told otherwise."""
    region = region or job_region(db, job)
    data = {
        "headline": "Community support worker",
        "summary": "",
        "occupations": [occupation_id(db, n) for n in nocs],
        "regions": [region.id],
        "credentials": [code_id(db, Credential, c) for c in credentials],
        "hours_wanted": "any",
        "pay_unit": "hourly",
    }
    data.update(extra)
    return data


def save_profile(client, data: dict, visible: bool = True):
    response = client.post_form("/profile", data)
    assert response.status_code == 302, text(response)[:3000]
    if visible:
        response = client.post_form(
            "/profile/visibility", {"visibility": "agencies", "consent": "y"}
        )
        assert response.status_code == 302, text(response)[:3000]


def listed(client, job) -> list[tuple[str, str]]:
    """(reference, shown name) of the suggested candidates, best first."""
    response = client.get(f"/agency/jobs/{job.id}/candidates")
    assert response.status_code == 200, text(response)[:3000]
    return [(ref, name) for _job, ref, name in CANDIDATE_RE.findall(text(response))]


def add_list(db, agency, visibility="partners", partners=()) -> PrequalList:
    today = today_pacific()
    plist = PrequalList(
        agency_id=agency.id,
        name=f"List of {agency.name}",
        description="",
        intake_opens_on=today,
        intake_closes_on=today + timedelta(days=30),
        membership_months=12,
        visibility=visibility,
        questions=[],
    )
    plist.partners = list(partners)
    db.session.add(plist)
    db.session.commit()
    return plist


def qualify(db, plist, user) -> ListMember:
    member = ListMember(
        list_id=plist.id,
        seeker_id=user.id,
        status="qualified",
        answers=[],
        consent_text="consent",
        expires_at=utcnow() + timedelta(days=365),
    )
    db.session.add(member)
    db.session.commit()
    return member


def profile_id(db, user) -> int:
    from portal.models import SeekerProfile

    return db.session.scalar(select(SeekerProfile.id).where(SeekerProfile.user_id == user.id))


def add_partner_share(db, job, partner):
    """Make ``job`` a pooled position: ``partner`` takes an accepted share of its own."""
    from portal.models import JobShare

    share = JobShare(
        job_id=job.id,
        agency_id=partner.id,
        hours_per_week=20,
        community_id=job.community_id,
        pay_min_cents=2600,
        pay_max_cents=3000,
        pay_unit="hourly",
        unionized=False,
        status="accepted",
    )
    db.session.add(share)
    db.session.commit()
    return share
