"""Agencies' public pages (``/agencies/<slug>``, portal/agencies/public.py): what an
approved agency does, where, its open jobs and its pooled positions with their partners;
404 for any other agency; the owner's "about" text on the details form; the links to the
page (agency home, job page) and the sitemap's agency URLs with their last change.
Who may use each route is in ``tests/support/access/agencies.txt``."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.agencies import public, services
from portal.models import Agency, Job
from portal.models.types import utcnow
from tests.support import field_error, flashed, fresh, text
from tests.support.agencies import agency_fields
from tests.support.pooled import published_pool

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ABOUT = "We support families in the Cowichan Valley.\n\nSince 1978 <b>we</b> run\nfour homes."


def section(page: str, heading_id: str) -> str:
    """The <section> headed by ``heading_id``'s heading."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert found, heading_id
    return found.group(1)


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="h5 mb-1"><a href="/jobs/\d+">([^<]*)</a>', html)


def test_the_page_shows_what_the_agency_does_and_its_open_jobs(db, client, make_agency, make_job):
    harbour = make_agency(
        name="Harbour Family Services", website="https://harbour.example.org", about=ABOUT
    )
    partner = make_agency(name="Cedar Community Living")
    lead = make_agency(name="Lakeside Living")
    make_job(agency=harbour, title="Youth Outreach Worker")
    make_job(agency=harbour, title="Family Support Worker")
    make_job(agency=harbour, title="Closed Job", status="closed")
    make_job(agency=harbour, title="Draft Job", status="draft")
    make_job(agency=partner, title="Someone Else's Job")
    published_pool(harbour, [partner], title="Pooled Respite Worker")
    published_pool(lead, [harbour], title="Pooled Night Worker")

    response = client.get(f"/agencies/{harbour.slug}")
    assert response.status_code == 200
    page = text(response)
    assert "<title>Harbour Family Services · Sector Jobs Portal</title>" in page
    assert '<h1 class="h3 mb-1">Harbour Family Services</h1>' in page
    assert f"{harbour.subsector.name} — {harbour.community.name}, {harbour.region.name}" in page
    about = section(response.get_data(as_text=True), "about-heading")
    assert re.findall(r"<p>(.*?)</p>", about, re.S) == [
        "We support families in the Cowichan Valley.",
        "Since 1978 &lt;b&gt;we&lt;/b&gt; run<br>four homes.",  # escaped, line kept
    ]
    assert (
        '<a href="https://harbour.example.org" rel="nofollow noopener">'
        "https://harbour.example.org</a>"
    ) in page

    jobs = section(page, "jobs-heading")
    assert "Open jobs (2)" in jobs
    assert sorted(card_titles(jobs)) == ["Family Support Worker", "Youth Outreach Worker"]
    pooled = section(page, "pooled-heading")
    assert "Pooled positions with partner agencies (2)" in pooled
    assert sorted(card_titles(pooled)) == ["Pooled Night Worker", "Pooled Respite Worker"]
    notes = re.findall(r'<p class="mb-0 small">(With .*?)</p>', pooled)
    assert sorted(notes) == ["With Cedar Community Living", "With Lakeside Living"]
    for absent in ("Closed Job", "Draft Job", "Someone Else's Job"):
        assert absent not in page
    assert f'href="/jobs?agency={harbour.id}&sort=newest"' in page


def test_a_page_without_about_or_jobs(db, client, make_agency):
    quiet = make_agency(name="Quiet Society")
    page = text(client.get(f"/agencies/{quiet.slug}"))
    assert 'id="about-heading"' not in page and 'id="pooled-heading"' not in page
    assert "No open jobs of its own right now." in page
    assert "Search all of" not in page


def test_the_page_lists_the_newest_jobs_up_to_its_limit(
    db, client, make_agency, make_job, monkeypatch
):
    monkeypatch.setattr(public, "PAGE_JOBS", 2)
    agency = make_agency(name="Busy Agency")
    jobs = [make_job(agency=agency, title=f"Worker {n}") for n in range(3)]
    for n, job in enumerate(jobs):
        published = utcnow() - timedelta(days=3 - n)
        db.session.execute(update(Job).where(Job.id == job.id).values(published_at=published))
    db.session.commit()
    page = text(client.get(f"/agencies/{agency.slug}"))
    assert card_titles(section(page, "jobs-heading")) == ["Worker 2", "Worker 1"]
    assert "Showing the newest 2 of its 3 open jobs." in page


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_only_approved_agencies_have_a_page(db, client, make_agency, make_job, status):
    agency = make_agency(name="Hidden Agency", status=status)
    assert client.get(f"/agencies/{agency.slug}").status_code == 404
    assert client.get("/agencies/no-such-agency").status_code == 404


def test_a_suspended_lead_hides_its_pooled_position_from_partners(db, client, make_agency):
    lead, partner = make_agency(name="Lead Agency"), make_agency(name="Partner Agency")
    published_pool(lead, [partner], title="Pooled Night Worker")
    db.session.get(Agency, lead.id).status = "suspended"
    db.session.commit()
    page = text(client.get(f"/agencies/{partner.slug}"))
    assert "Pooled Night Worker" not in page


def test_register_is_never_an_agency_page(db, client, make_agency, make_user):
    assert "register" in services.RESERVED_SLUGS
    agency = make_agency(name="Register")
    assert agency.slug == "register-2"
    assert "Register Society" not in text(client.get("/agencies/register"))  # the form
    assert 'name="legal_name"' in text(client.get("/agencies/register"))
    assert '<h1 class="h3 mb-1">Register</h1>' in text(client.get("/agencies/register-2"))
    assert services.unique_slug("Register") == "register-3"
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "\nDisallow: /agencies/register\n" in robots  # the form, not a page to index


# --- the owner's side ------------------------------------------------------------------


def test_the_owner_writes_the_about_text(db, client, make_agency, login):
    agency = make_agency(name="Riverbank Family Services")
    login(client, agency.owner)
    form = text(client.get("/agency/edit"))
    assert (
        '<label class="form-label" for="about">About your agency (shown on your public page) '
        '<span class="optional">(optional)</span></label>'
    ) in form

    too_long = "x" * 2001
    response = client.post_form("/agency/edit", agency_fields(db, about=too_long))
    page = text(response)
    assert response.status_code == 200
    assert field_error(page, "about") == "Keep it to 2,000 characters or fewer."
    assert too_long in page  # kept on the form
    assert fresh(db, Agency, agency.id).about is None

    # 2,000 characters once the browser's CRLF line breaks count as one each
    start = "We run group homes.\n\nAnd a drop-in centre.\n"
    typed = start.replace("\n", "\r\n") + "y" * (2000 - len(start))
    response = client.post_form("/agency/edit", agency_fields(db, about=f"  {typed}\r\n"))
    assert "Agency details saved." in flashed(client, response)
    about = fresh(db, Agency, agency.id).about
    assert about == start + "y" * (2000 - len(start))
    assert text(client.get(f"/agencies/{agency.slug}")).count("<p>We run group homes.</p>") == 1

    response = client.post_form("/agency/edit", agency_fields(db, about="  "))
    assert "Agency details saved." in flashed(client, response)
    assert fresh(db, Agency, agency.id).about is None


def test_the_register_form_has_no_about_field(client):
    assert 'name="about"' not in text(client.get("/agencies/register"))


def test_the_agency_home_links_its_public_page(db, make_agency, signed_in):
    approved = make_agency(name="Open Agency")
    page = text(signed_in(approved.owner).get("/agency"))
    assert f'href="/agencies/{approved.slug}">View your public page</a>' in page
    pending = make_agency(name="Waiting Agency", status="pending")
    assert "View your public page" not in text(signed_in(pending.owner).get("/agency"))


def test_the_job_page_links_its_agencies(db, client, make_agency, make_job):
    harbour, partner = make_agency(name="Harbour House"), make_agency(name="Partner Place")
    job = make_job(agency=harbour)
    page = text(client.get(f"/jobs/{job.id}"))
    link = f'<a href="/agencies/{harbour.slug}">Harbour House</a>'
    assert f'<p class="lead mb-2">{link} — ' in page
    assert f'<h2 class="h6">About {link}</h2>' in page
    pool = published_pool(harbour, [partner])
    page = text(client.get(f"/jobs/{pool.id}"))
    assert f'{link} · <a href="/agencies/{partner.slug}">Partner Place</a> — ' in page


# --- the sitemap -------------------------------------------------------------------------


def test_the_sitemap_lists_agency_pages_with_their_last_change(db, client, make_agency, make_job):
    quiet = make_agency(name="Quiet Agency")
    busy = make_agency(name="Busy Agency")
    partner = make_agency(name="Partner Agency")
    make_agency(name="Pending Agency", status="pending")
    old = make_job(agency=busy, title="Older Job")
    newer = make_job(agency=busy, title="Newer Job")
    pool = published_pool(make_agency(name="Lead Agency"), [partner])
    closed = make_job(agency=quiet, status="closed")
    now = utcnow()
    for job, ago in ((old, 5), (newer, 3), (pool, 2), (closed, 1)):
        at = now - timedelta(days=ago)
        db.session.execute(
            update(Job).where(Job.id == job.id).values(published_at=at, updated_at=at)
        )
    db.session.commit()

    root = ET.fromstring(client.get("/sitemap.xml").get_data())
    lastmod = {
        re.sub(r"^https?://[^/]+", "", u.findtext(f"{SITEMAP}loc")): u.findtext(f"{SITEMAP}lastmod")
        for u in root
    }
    agencies = {path: at for path, at in lastmod.items() if path.startswith("/agencies/")}
    assert set(agencies) == {
        f"/agencies/{slug}"
        for slug in ("quiet-agency", "busy-agency", "partner-agency", "lead-agency")
    }

    def stamp(at) -> str:
        return at.strftime("%Y-%m-%dT%H:%M:%S+00:00")

    assert agencies["/agencies/busy-agency"] == stamp(now - timedelta(days=3))
    assert agencies["/agencies/partner-agency"] == stamp(now - timedelta(days=2))
    assert agencies["/agencies/lead-agency"] == stamp(now - timedelta(days=2))
    # no open job (its closed one does not count): when it registered
    assert agencies["/agencies/quiet-agency"] == stamp(fresh(db, Agency, quiet.id).created_at)
