"""The sector's jobs outside the portal (portal/feeds): an Atom feed for any search, read
back with feedparser; the sitemap (split in parts past its limit) and robots.txt.
Who may use each route is in ``tests/support/access/feeds.txt``."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from portal.feeds import atom, sitemap
from portal.models import Agency
from tests.support import text
from tests.support.alerts import published_ago

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def query_of(url: str, path: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.path == path, url
    return parse_qs(parts.query)


def read_feed(client, query: str):
    response = client.get(f"/jobs.atom?{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")  # well-formed Atom
    assert feed.version == "atom10"
    return feed


def test_a_search_as_an_atom_feed_newest_first(db, client, make_agency, make_job):
    agency = make_agency(name="Harbour Family Services")
    older = make_job(agency=agency, title="Outreach Worker — Nanaimo", employment_type="part_time")
    newer = make_job(
        agency=agency,
        title="Youth Outreach Worker",
        employment_type="part_time",
        description="Street outreach. <script>alert(1)</script> **Evenings**.",
    )
    make_job(agency=agency, title="Outreach Coordinator")  # full-time: not this search
    make_job(agency=agency, title="Cook")  # other words
    make_job(agency=agency, title="Outreach Worker (draft)", status="draft")
    make_job(agency=agency, title="Outreach Worker (closed)", status="closed")
    published_ago(older.id, timedelta(days=2))
    published_ago(newer.id, timedelta(hours=1))

    feed = read_feed(client, "q=outreach&type=part_time")
    assert feed.feed.title == "“outreach” — all jobs, part-time — Sector Jobs Portal"
    assert query_of(feed.feed.link, "/jobs") == {
        "q": ["outreach"],
        "sort": ["newest"],
        "type": ["part_time"],
    }
    assert [e.title for e in feed.entries] == ["Youth Outreach Worker", "Outreach Worker — Nanaimo"]
    first = feed.entries[0]
    assert first.link.endswith(f"/jobs/{newer.id}") and first.id == first.link
    assert first.author == "Harbour Family Services"
    assert first.summary.startswith("Harbour Family Services · ")
    assert "$26–$31 an hour · Part-time · 37.5 h/week · closes " in first.summary
    html = first.content[0].value
    assert "<strong>Evenings</strong>" in html and "<script" not in html
    assert feed.entries[0].published_parsed > feed.entries[1].published_parsed


def test_the_feed_holds_the_newest_fifty(db, client, make_agency, make_job, monkeypatch):
    monkeypatch.setattr(atom, "FEED_SIZE", 2)
    agency = make_agency()
    jobs = [make_job(agency=agency, title=f"Support Worker {n}") for n in range(3)]
    for n, job in enumerate(jobs):
        published_ago(job.id, timedelta(hours=3 - n))
    feed = read_feed(client, "")
    assert [e.title for e in feed.entries] == ["Support Worker 2", "Support Worker 1"]
    assert atom.FEED_SIZE == 2 and read_feed(client, "q=nothing-matches-this").entries == []


def test_the_search_page_links_its_feed(db, client, make_job):
    make_job()
    page = text(client.get("/jobs?q=support&type=full_time&page=1&sort=pay"))
    [href] = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="These jobs as an Atom feed" '
        r'href="([^"]+)">',
        page,
    )
    assert query_of(href.replace("&amp;", "&"), "/jobs.atom") == {
        "q": ["support"],
        "sort": ["pay"],
        "type": ["full_time"],
    }
    assert '">Atom feed<span class="visually-hidden"> of these jobs</span></a>' in page


def test_odd_parameters_still_make_a_valid_feed(db, client, make_job):
    make_job(title="Support Worker")
    for query in ("q=%3Cscript%3E", "region=abc&region=-1", "pay=999999999", "q=" + "é" * 300):
        read_feed(client, query)


def test_the_sitemap_lists_public_pages_and_published_jobs(db, client, make_agency, make_job):
    agency = make_agency()
    published = make_job(agency=agency)
    draft = make_job(agency=agency, status="draft")
    closed = make_job(agency=agency, status="closed")
    hidden = make_job(agency=make_agency(name="Suspended Society"))
    db.session.get(Agency, hidden.agency_id).status = "suspended"
    db.session.commit()

    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{SITEMAP}urlset"
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    paths = {re.sub(r"^https?://[^/]+", "", u) for u in urls}
    assert paths == {
        "/",
        "/jobs",
        "/lists",
        f"/jobs/{published.id}",
        f"/agencies/{agency.slug}",  # not the suspended one's
    }
    [lastmod] = [m for u, m in urls.items() if u.endswith(f"/jobs/{published.id}")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", lastmod)
    assert not {draft.id, closed.id, hidden.id} & {
        int(p.rsplit("/", 1)[1]) for p in paths if "/jobs/" in p
    }
    assert client.get("/sitemap-1.xml").status_code == 404  # one part: no index


@pytest.mark.parametrize("part_size", [2, 3, 4])
def test_a_big_sitemap_is_split_into_parts(
    db, client, make_agency, make_job, monkeypatch, part_size
):
    monkeypatch.setattr(sitemap, "PART_SIZE", part_size)
    agency = make_agency()
    jobs = [make_job(agency=agency, title=f"Worker {n}") for n in range(4)]
    other = make_agency(name="Quiet Agency")  # no jobs: its page is listed all the same
    expected = (
        ["/", "/jobs", "/lists"]
        + [f"/jobs/{j.id}" for j in jobs]
        + [f"/agencies/{agency.slug}", "/agencies/quiet-agency"]
    )  # 3 pages, 4 jobs, 2 agencies
    parts = -(-len(expected) // part_size)
    root = ET.fromstring(client.get("/sitemap.xml").get_data())
    assert root.tag == f"{SITEMAP}sitemapindex"
    links = [s.findtext(f"{SITEMAP}loc") for s in root]
    assert [re.sub(r"^https?://[^/]+", "", p) for p in links] == [
        f"/sitemap-{n}.xml" for n in range(1, parts + 1)
    ]
    seen = []
    for n in range(1, parts + 1):
        part = ET.fromstring(client.get(f"/sitemap-{n}.xml").get_data())
        locs = [u.findtext(f"{SITEMAP}loc") for u in part]
        assert 1 <= len(locs) <= part_size
        seen += [re.sub(r"^https?://[^/]+", "", u) for u in locs]
    assert seen == expected and other.slug == "quiet-agency"
    assert client.get(f"/sitemap-{parts + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_robots_keeps_private_pages_out_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    private_paths = ("/agency", "/admin", "/account", "/profile", "/applications", "/lmi")
    for private in (*private_paths, "/invitations", "/forgot"):
        assert f"\nDisallow: {private}\n" in body
    assert "\nAllow: /jobs\n" in body
    assert re.search(r"\nSitemap: https?://[^/]+/sitemap\.xml\n", body)
