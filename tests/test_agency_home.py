"""The agency home puts its primary actions first: post a job, then what is waiting for
the agency — jobs with new applicants, invitations to share a pooled position, pooling
proposals and the workforce return due."""

import io
import re
from datetime import date

from werkzeug.datastructures import FileStorage

from portal.extensions import db as _db
from portal.pools import services as pools
from portal.returns import periods
from portal.seekers.services import attach_resume
from tests.support import text
from tests.support.applications import application_of, set_status


def _waiting(page: str) -> str:
    found = re.search(r'id="waiting-heading">Waiting for you</h2>(.*?)</section>', page, re.S)
    assert found, "no Waiting for you section"
    return re.sub(r"\s+", " ", found.group(1))


def test_a_new_agency_has_nothing_waiting_and_post_a_job_first(db, make_agency, signed_in):
    agency = make_agency(name="Quiet Harbour Society")
    page = text(signed_in(agency.owner).get("/agency"))
    assert page.index("Post a job") < page.index("Waiting for you") < page.index("Details")
    assert "Nothing right now" in _waiting(page)


def test_the_agency_home_lists_what_waits_with_links(
    db, make_agency, make_user, make_job, signed_in
):
    agency = make_agency(name="Harbour Community Services")
    owner = signed_in(agency.owner)
    # two jobs with a new application each, one job whose applicant was looked at
    seeker = make_user(role="seeker", name="Amelia Zhang")
    attach_resume(seeker, FileStorage(io.BytesIO(b"%PDF-1.4 cv"), filename="cv.pdf"))
    _db.session.commit()
    applicant = signed_in(seeker)
    jobs = [make_job(agency=agency, title=f"Support Worker {n}") for n in range(3)]
    for job in jobs:
        assert (
            applicant.post_form(f"/jobs/{job.id}/apply", {"cover_note": "Hello"}).status_code == 302
        )
    set_status(owner, application_of(db, jobs[2], seeker), "screening")
    # another agency invites this one to share its pooled position
    lead = make_agency(name="Lakeside Living")
    pooled = make_job(agency=lead, status="draft", title="Pooled Respite Worker", pooled=True)
    pools.invite(pooled, agency, lead.owner)
    # the workforce return of an open period is due
    period = periods.open_period(2025, date(2026, 6, 30), make_user(role="champion"))
    _db.session.commit()

    waiting = _waiting(text(owner.get("/agency")))
    assert '<a href="/agency/jobs">2 jobs with new applicants</a>' in waiting
    assert '<a href="/agency/shares">1 invitation to share a pooled position</a>' in waiting
    assert f"Workforce return {period.label}</a>, due June 30, 2026" in waiting
    # the lead sees none of the partner's invitations; a recruiter sees the same list
    assert "invitation" not in _waiting(text(signed_in(lead.owner).get("/agency")))

    for job in jobs[:2]:
        set_status(owner, application_of(db, job, seeker), "screening")
    pools.respond(pooled.shares[-1], True, agency.owner)
    _db.session.commit()
    waiting = _waiting(text(owner.get("/agency")))
    assert "new applicants" not in waiting and "pooled position" not in waiting
    assert "Workforce return" in waiting


def test_a_pending_agency_sees_no_waiting_list(db, make_agency, signed_in):
    agency = make_agency(name="Pending Place", status="pending")
    page = text(signed_in(agency.owner).get("/agency"))
    assert "Waiting for approval" in page and "Waiting for you" not in page
    assert "Post a job" in page
