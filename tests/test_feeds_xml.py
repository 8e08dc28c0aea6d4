"""The feed for job aggregators (``/jobs.xml``, portal/feeds/aggregator.py): every listed
job, valid against its schema (``portal/feeds/jobs.xsd``, served at ``/jobs.xsd``), with
the values of a single-agency job and a pooled position; drafts, closed, merged jobs and
suspended agencies' jobs left out; hostile text kept well-formed and sanitised; a
conditional GET; a number of queries that does not grow with the jobs.
Who may use each route is in ``tests/support/access/feeds.txt``."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import xmlschema
from sqlalchemy import event, update

from portal.feeds import aggregator
from portal.models import Agency, Job
from portal.models.jobs import EMPLOYMENT_TYPES
from portal.timeutil import today_pacific
from tests.support.pooled import published_pool
from tests.support.reference import community, occupation

XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
XS = "{http://www.w3.org/2001/XMLSchema}"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(aggregator.SCHEMA))


def read_feed(client, schema, **headers) -> tuple[ET.Element, dict[int, ET.Element]]:
    """The feed, validated: its root and its jobs by id."""
    response = client.get("/jobs.xml", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    body = response.get_data()
    schema.validate(body.decode())  # raises on the first error
    root = ET.fromstring(body)
    return root, {int(job.findtext("id")): job for job in root.findall("job")}


def test_every_listed_job_with_its_values(db, client, schema, make_agency, make_job):
    harbour = make_agency(name="Harbour Family Services", website="https://harbour.example.org")
    partner = make_agency(name="Cedar & Sons Community Living")
    single = make_job(
        agency=harbour,
        title="Youth Outreach Worker",
        reference="HR-2026-017",
        employment_type="casual",
        hours_per_week=22.5,
        pay_min_cents=2650,
        pay_max_cents=3105,
        community_id=community(db, "Nanaimo").id,
        occupation_id=occupation(db, "42201").id,
        description="Street outreach.\n\n- **Evenings**\n- weekends",
    )
    pool = published_pool(harbour, [partner], title="Pooled Respite Worker")
    annual = make_job(
        agency=partner,
        title="Program Manager",
        pay_unit="annual",
        pay_min_cents=7000000,
        pay_max_cents=8250050,
    )
    draft = make_job(agency=harbour, status="draft")
    closed = make_job(agency=harbour, status="closed")
    merged = make_job(agency=harbour)
    db.session.execute(update(Job).where(Job.id == merged.id).values(merged_into_id=single.id))
    hidden = make_job(agency=make_agency(name="Suspended Society"))
    db.session.get(Agency, hidden.agency_id).status = "suspended"
    db.session.commit()

    root, jobs = read_feed(client, schema)
    assert root.tag == "source"
    assert root.get(f"{XSI}noNamespaceSchemaLocation") == "http://localhost/jobs.xsd"
    assert root.findtext("publisher") == "Sector Jobs Portal"
    assert root.findtext("publisherurl") == "http://localhost/"
    assert set(jobs) == {single.id, pool.id, annual.id}
    assert not {draft.id, closed.id, merged.id, hidden.id} & set(jobs)

    job = jobs[single.id]
    assert [child.tag for child in job] == [
        "referencenumber",
        "id",
        "title",
        "agency",
        "community",
        "region",
        "province",
        "country",
        "salary",
        "jobtype",
        "hours",
        "description",
        "url",
        "date",
        "closingdate",
        "category",
    ]
    assert job.findtext("referencenumber") == "HR-2026-017"
    assert job.findtext("title") == "Youth Outreach Worker"
    assert job.findtext("agency") == "Harbour Family Services"
    assert job.find("employers") is None and job.find("postalcode") is None
    assert job.findtext("community") == "Nanaimo"
    assert job.findtext("region") == single.region.name
    assert (job.findtext("province"), job.findtext("country")) == ("BC", "CA")
    assert job.find("salary").attrib == {
        "min": "26.50",
        "max": "31.05",
        "unit": "hourly",
        "currency": "CAD",
    }
    assert (job.findtext("jobtype"), job.findtext("hours")) == ("casual", "22.5")
    html = job.findtext("description")
    assert "<li><strong>Evenings</strong></li>" in html and html.startswith("<p>Street outreach.")
    assert job.findtext("url") == f"http://localhost/jobs/{single.id}"
    posted = datetime.strptime(job.findtext("date"), "%Y-%m-%dT%H:%M:%S%z")
    assert abs(posted - single.published_at) < timedelta(seconds=1)
    assert job.findtext("closingdate") == single.closes_on.isoformat()
    category = job.find("category")
    assert (category.text, category.get("noc")) == (single.occupation.title, "42201")

    job = jobs[pool.id]
    assert job.findtext("referencenumber") == f"SJP-{pool.id}"  # no reference of its own
    assert job.findtext("agency") == "Harbour Family Services"
    assert [e.text for e in job.find("employers")] == [
        "Harbour Family Services",
        "Cedar & Sons Community Living",
    ]
    assert (job.findtext("jobtype"), job.findtext("hours")) == ("part_time", "37.5")

    assert jobs[annual.id].find("salary").attrib == {
        "min": "70000.00",
        "max": "82500.50",
        "unit": "annual",
        "currency": "CAD",
    }
    # the newest change of any job listed
    built = datetime.strptime(root.findtext("lastBuildDate"), "%Y-%m-%dT%H:%M:%S%z")
    assert datetime.now(UTC) - built < timedelta(minutes=5)


def test_an_empty_feed_is_valid(db, client, schema):
    root, jobs = read_feed(client, schema)
    assert jobs == {} and root.findtext("lastBuildDate") == "1970-01-01T00:00:00Z"


def test_hostile_text_stays_well_formed_and_sanitised(db, client, schema, make_job):
    job = make_job(
        title='<script>alert("t")</script> & ]]> Worker\x0b',
        reference="<b>REQ]]>1</b>",
        description=(
            "Intro ]]> and <script>alert(1)</script> **bold** "
            '<a href="javascript:alert(2)" onclick="x()">link</a> <img src=x onerror=y>\x0c\n\n'
            "```\n]]>\n```"
        ),
    )
    _, jobs = read_feed(client, schema)
    entry = jobs[job.id]
    assert entry.findtext("title") == '<script>alert("t")</script> & ]]> Worker'
    assert entry.findtext("referencenumber") == "<b>REQ]]>1</b>"
    html = entry.findtext("description")
    assert "<strong>bold</strong>" in html and "]]" in html
    for banned in ("<script", "onclick", "javascript:", "<img", "onerror", "\x0c"):
        assert banned not in html, banned
    body = client.get("/jobs.xml").get_data(as_text=True)
    assert "<script>" not in body.split("<description>")[0]  # escaped outside the CDATA


def test_a_conditional_get_answers_304_until_the_feed_changes(db, client, schema, make_job):
    job = make_job(title="Family Support Worker")
    first = client.get("/jobs.xml")
    etag = first.headers["ETag"]
    assert etag and "Last-Modified" not in first.headers
    again = client.get("/jobs.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""

    db.session.get(Agency, job.agency_id).name = "Renamed Society"  # no job changes
    db.session.commit()
    changed = client.get("/jobs.xml", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "<agency>Renamed Society</agency>" in changed.get_data(as_text=True)


def test_the_schema_is_served_and_names_every_employment_type(client, schema):
    response = client.get("/jobs.xsd")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.get_data() == aggregator.SCHEMA.read_bytes()
    xsd = ET.fromstring(response.get_data())
    [jobtype] = [t for t in xsd.iter(f"{XS}simpleType") if t.get("name") == "jobtype"]
    values = [e.get("value") for e in jobtype.iter(f"{XS}enumeration")]
    assert values == list(EMPLOYMENT_TYPES)


def test_the_feed_takes_the_same_queries_for_more_jobs(db, app, client, make_agency, make_job):
    """The jobs come with what the feed shows in a fixed number of queries (eager)."""
    agencies = [make_agency(name=f"Agency {n}") for n in range(3)]
    for n in range(3):
        make_job(agency=agencies[n], title=f"Support Worker {n}")
    published_pool(agencies[0], agencies[1:3], title="Pooled Worker")

    def queries() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/jobs.xml").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    more = [make_agency(name=f"More {n}") for n in range(3)]
    for n in range(6):
        make_job(agency=more[n % 3], title=f"Care Aide {n}", closes_on=today_pacific())
    published_pool(more[0], more[1:3], title="Pooled Care Aide")
    assert queries() == few <= 4


def test_a_description_is_rendered_once(db, client, make_job, monkeypatch):
    calls = []
    render = aggregator.render_markdown
    monkeypatch.setattr(aggregator, "render_markdown", lambda t: calls.append(t) or render(t))
    aggregator.description_html.cache_clear()
    make_job(description="Same text.")
    make_job(description="Same text.")
    client.get("/jobs.xml")
    client.get("/jobs.xml")
    assert calls == ["Same text."]
    assert re.search(
        r"<description><!\[CDATA\[<p>Same text.</p>\]\]></description>",
        client.get("/jobs.xml").get_data(as_text=True),
    )


@pytest.mark.parametrize(
    "text", ["a]]>b", "]]>", "]]]]>>", "plain", "x\x00y\x0bz\ufffe", "emoji 🏠 ok"]
)
def test_cdata_holds_any_text(text):
    wrapped = aggregator.cdata(text)
    assert ET.fromstring(f"<d>{wrapped}</d>").text == aggregator.xml_text(text)
    assert aggregator.xml_text("x\x00y\x0bz\ufffe\t\n") == "xyz\t\n"
