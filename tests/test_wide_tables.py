"""Tables wider than a phone (issue 16). Each scrolls sideways inside its own box
(``scroll_region`` in templates/_macros/tables.html), and that box is a region named after
its table that takes the focus (tabindex="0"), so a keyboard user reaches it and scrolls it
with the arrow keys even when the table has no link (axe: scrollable-region-focusable).
What would widen a page on a phone wraps or is shortened there: a long staff email, the
day names of a share's schedule ("Wed", the rest for screen readers; the seeker's
availability grid likewise, tests/test_seekers.py), the pooled badge of a search result.
The browser checks (axe, the page width at 375 px, nothing clipped at 1280 px) are in
tests/browser."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.models import JobShare
from portal.returns import periods
from portal.search import enqueue, sync_after_commit
from tests.support import fresh, text
from tests.support.lmi import build_five
from tests.support.matching_agencies import add_partner_share

BOX = re.compile(r'<div class="table-responsive[^"]*"([^>]*)>(.*?)</table>', re.DOTALL)


def regions(page: str) -> dict[str, str]:
    """The page's scrolling table boxes, by name: each one is a focusable region."""
    found = {}
    for attributes, inside in BOX.findall(page):
        assert 'tabindex="0"' in attributes and 'role="region"' in attributes, attributes
        name = re.search(r'aria-label="([^"]+)"', attributes).group(1)
        assert name not in found, f"two regions named {name!r}"
        found[name] = inside
    return found


@pytest.fixture
def champion(client, login, make_user):
    user = make_user(role="champion", two_step=True)
    login(client, user)
    return user


def test_every_lmi_table_scrolls_in_a_region_named_by_its_caption(
    client, champion, db, make_agency
):
    build_five(db, make_agency)
    page = text(client.get("/lmi"))
    boxes = regions(page)
    assert page.count("<table") == len(boxes) == 15
    for name, inside in boxes.items():  # the region is named by the start of its caption
        caption = re.search(r"<caption>([^<]*)</caption>", inside)
        assert caption is not None or name == "Data dictionary", name  # folded away
        assert caption is None or caption.group(1).startswith(name), (name, caption)
    assert {
        "Turnover by reason of separation, 2025/26",
        "Sector figures by reporting period",
        "By region, 2025/26",
        "Response rate by region",
        "Postings by fiscal year of publication",
    } <= set(boxes)
    # a suppressed figure keeps its words for screen readers, hidden in its own table box
    assert '<span class="visually-hidden"> (suppressed)</span>' in boxes["By region, 2025/26"]


def test_the_lines_of_a_return_without_lines_are_a_focusable_region(
    db, client, login, make_agency, make_user
):
    period = periods.open_period(2025, date(2026, 6, 30), make_user(role="champion"))
    db.session.commit()
    agency = make_agency()
    login(client, agency.owner)
    draft = client.post_form(f"/agency/returns/periods/{period.id}/draft").location
    page = text(client.get(draft))
    lines = regions(page)["Lines of the return"]
    assert "No lines yet." in lines and "<a " not in lines  # nothing in it takes the focus
    # the upload button takes the width of its words, beside the file field
    assert re.search(
        r'<div class="col-sm-auto"><input class="btn btn-outline-primary" id="submit" '
        r'name="submit" type="submit" value="Upload and replace the lines">',
        page,
    )


def test_a_pooled_job_s_shares_and_schedule_fit_a_phone(db, client, login, make_agency, make_job):
    job = make_job(title="Pooled Respite Worker")
    job.pooled = True
    add_partner_share(db, job, make_agency(name="Partner Place"))
    enqueue([job.id])
    db.session.commit()
    sync_after_commit()
    lead_share = db.session.scalar(
        select(JobShare).where(JobShare.job_id == job.id, JobShare.agency_id == job.agency_id)
    )
    login(client, job.agency.owner)

    partners = text(client.get(f"/agency/jobs/{job.id}/partners"))
    assert "Partner Place" in regions(partners)["Shares of the pooled position"]

    page = text(client.get(f"/agency/shares/{lead_share.id}"))
    assert "Partner Place" in regions(page)["Shares of the pooled position"]
    # the schedule's days: "Wed" on a phone, the whole name for screen readers and the
    # time fields
    assert '<th scope="row">Wed<span class="day-rest">nesday</span></th>' in page
    assert 'aria-label="Wednesday from"' in page and 'aria-label="Wednesday to"' in page
    # a day's error is tied to its field
    before = lead_share.schedule_blocks
    data = {"community_id": job.community_id, "pay_min": "26", "pay_max": "30"}
    data.update(pay_unit="hourly", unionized="no", start_2="09:00")
    response = client.post_form(f"/agency/shares/{lead_share.id}", data)
    assert response.status_code == 400
    refused = text(response)
    assert re.search(r'id="end_2"[^>]*aria-describedby="end_2-error"', refused) or re.search(
        r'aria-describedby="end_2-error"[^>]*id="end_2"', refused
    )
    assert (
        '<div id="end_2-error" class="invalid-feedback d-block">'
        "Give both the start and the end on Wednesday.</div>"
    ) in refused
    assert fresh(db, JobShare, lead_share.id).schedule_blocks == before  # nothing saved

    # in the search results the pooled badge wraps on a phone
    results = text(client.get("/jobs"))
    assert re.search(r'<span class="badge text-bg-info badge-wrap">Pooled · 2 agencies', results)


def test_a_long_staff_email_wraps(client, login, make_agency, make_recruiter, make_user):
    agency = make_agency()
    email = "alexandra.montgomery-richardson.coordinator@verylongagencydomainname.example.org"
    make_recruiter(agency, make_user(role="agency", email=email))
    login(client, agency.owner)
    page = text(client.get("/agency"))
    assert f'<td class="text-break">{email}</td>' in regions(page)["Staff"]
