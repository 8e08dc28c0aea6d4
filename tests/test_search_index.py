"""The job index stays in step with the database (outbox, high-water mark, trailing window,
idempotent applying, reindex and check), and the /jobs search page keeps its state in the
URL: filters, facet counts, pagination, sorting, highlights and the no-results help."""

import html
import os
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, func, select, text, update

from portal.agencies.services import agency_jobs_enqueue, change_status
from portal.jobs import services
from portal.models import Job, Region, SearchNode, SearchOutbox
from portal.models.types import utcnow
from portal.search import SearchParams, index, search, sync
from portal.search.params import PAGE_SIZE
from portal.timeutil import today_pacific
from tests.support import job_fields
from tests.support.reference import community, occupation_id

HIT_RE = re.compile(r'<h3 class="h5 mb-1"><a href="[^"]*/jobs/(\d+)">')
TOTAL_RE = re.compile(r'<h2 class="h5" id="results-heading"[^>]*>([\d,]+) jobs?\b')
SECTION_RE = re.compile(
    r'<section class="mb-3">\s*<h2 class="h6">([^<]+)</h2>(.*?)</section>', re.S
)
FACET_RE = re.compile(
    r'<a href="([^"]+)" class="facet( chosen)?"[^>]*>\s*<span class="facet-box"[^>]*>.</span>'
    r'\s*(.*?)\s*<span class="badge[^"]*">(\d+)</span>',
    re.S,
)
LINK_RE = re.compile(r'<a(?: class="[^"]*")? href="([^"]+)"[^>]*>([^<]*)</a>')


# --- helpers ---------------------------------------------------------------------------


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def hits(page: str) -> list[int]:
    return [int(i) for i in HIT_RE.findall(page)]


def total(page: str) -> int:
    return int(TOTAL_RE.search(page).group(1).replace(",", ""))


def args_of(href: str) -> dict[str, list[str]]:
    parts = urlsplit(html.unescape(href))
    assert parts.path == "/jobs", href
    return parse_qs(parts.query)


def facets(page: str) -> dict[str, dict[str, dict]]:
    """{section title: {label: {"count", "chosen", "args"}}} of the filter side bar."""
    found = {}
    for title, body in SECTION_RE.findall(page):
        found[html.unescape(title)] = {
            html.unescape(label): {"count": int(n), "chosen": bool(chosen), "args": args_of(href)}
            for href, chosen, label, n in FACET_RE.findall(body)
        }
    return found


def links(page: str, label: str) -> list[dict[str, list[str]]]:
    return [
        args_of(href)
        for href, text_ in LINK_RE.findall(page)
        if html.unescape(text_).strip() == label
    ]


def get(client, query: str = "") -> str:
    return page_text(client.get(f"/jobs{'?' + query if query else ''}"))


def indexed_ids() -> Counter:
    """job id -> number of live documents in this process's view of the index."""
    view = index.pool().current()
    return Counter(view.facets[d].job_id for d in view.live)


def job_data(db, **fields) -> dict:
    return job_fields(db, **{"community_id": community(db, "Nanaimo").id, **fields})


def publish_without_sync(db, agency, **fields) -> int:
    """A published job committed, but the process 'crashed' before applying the outbox."""
    job = services.create_draft(agency, job_data(db, **fields), agency.owner)
    services.publish(job, agency.owner)
    db.session.commit()
    return job.id


def node() -> SearchNode | None:
    from portal.extensions import db

    db.session.expire_all()
    return db.session.get(SearchNode, sync.node_name())


def invoke(runner, *args, exit_code=0) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == exit_code, (result.output, result.exception)
    return result.output


def resync(db, job: Job) -> None:
    sync.enqueue([job.id])
    db.session.commit()
    sync.apply_pending()


# --- the index follows the database ----------------------------------------------------


def test_rolled_back_change_leaves_nothing(db, client, make_agency):
    agency = make_agency()
    job = services.create_draft(agency, job_data(db, title="Rolled Back Counsellor"), agency.owner)
    services.publish(job, agency.owner)
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 2
    job_id = job.id
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert db.session.get(Job, job_id) is None
    assert sync.apply_pending() == 0
    assert job_id not in indexed_ids()
    page = get(client, "q=counsellor")
    assert hits(page) == [] and total(page) == 0


@pytest.mark.parametrize(
    "command",
    [("search", "sync"), ("portal", "worker", "--once")],
    ids=["search-sync", "worker-once"],
)
def test_crash_between_commit_and_indexing_is_caught_up(db, client, runner, make_agency, command):
    agency = make_agency()
    job_id = publish_without_sync(db, agency, title="Overnight Shelter Worker")
    assert node() is None or node().high_water < sync.outbox_max_id()

    page = get(client, "q=shelter")
    assert job_id not in hits(page) and total(page) == 0
    assert job_id not in hits(get(client))

    output = invoke(runner, *command)
    assert "applied 2 outbox rows" in output  # created, published

    assert hits(get(client, "q=shelter")) == [job_id]
    assert job_id in hits(get(client))
    assert node().high_water == sync.outbox_max_id() > 0
    assert "applied 0 outbox rows" in invoke(runner, "search", "sync")  # nothing left


def test_trailing_window_applies_rows_that_became_visible_late(
    db, make_agency, make_job, monkeypatch
):
    agency = make_agency()
    old = make_job(agency=agency, title="Family Support Worker")
    mark = sync.outbox_max_id() + 10
    sync.set_high_water(mark)
    db.session.commit()
    sync.apply_pending()  # re-reads the window once (harmless) and marks it seen
    assert node().high_water == mark

    # a transaction that started earlier commits late: its row id is below the mark
    late = services.create_draft(agency, job_data(db, title="Housing Navigator"), agency.owner)
    services.publish(late, agency.owner)
    db.session.flush()
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.job_id == late.id))
    db.session.add(SearchOutbox(id=mark - 1, job_id=late.id))
    db.session.commit()
    late_id = late.id
    assert late_id not in indexed_ids()

    assert sync.apply_pending() == 1
    assert indexed_ids()[late_id] == 1
    assert [h.job_id for h in search(SearchParams(q="navigator")).hits] == [late_id]
    assert node().high_water == mark  # the mark never goes back

    # rows below the mark and older than the window are not read again; recent ones are
    db.session.execute(
        update(SearchOutbox)
        .where(SearchOutbox.job_id == old.id)
        .values(created_at=utcnow() - sync.TRAILING_WINDOW - timedelta(minutes=1))
    )
    sync.set_high_water(mark)  # also forgets the ids this process applied
    db.session.commit()
    applied = []
    original = sync.apply_jobs

    def recording(writer, job_ids):
        applied.extend(job_ids)
        return original(writer, job_ids)

    monkeypatch.setattr(sync, "apply_jobs", recording)
    assert sync.apply_pending() == 1
    assert applied == [late_id]
    assert old.id not in applied
    assert sync.apply_pending() == 0  # the window's rows were applied by this process already
    assert applied == [late_id]


def test_applying_the_same_rows_twice_keeps_one_document_per_job(db, make_agency, make_job):
    agency = make_agency()
    jobs = [
        make_job(agency=agency, title=title)
        for title in ("Youth Worker", "Clinical Counsellor", "Early Childhood Educator")
    ]
    services.close(jobs[2], agency.owner)
    db.session.commit()
    sync.sync_after_commit()
    expected = {jobs[0].id: 1, jobs[1].id: 1}
    assert indexed_ids() == expected

    for _ in range(2):
        sync.set_high_water(0)
        sync._recently_applied.clear()
        db.session.commit()
        assert sync.apply_pending() == sync.outbox_max_id() == 7
        assert indexed_ids() == expected
        view = index.pool().current()
        assert view.searcher.doc_count() == 2
        assert search(SearchParams(q="clinical")).total == 1


def test_reindex_builds_a_new_directory_and_swaps_it_in(db, runner, make_agency, make_job):
    agency = make_agency(name="Island Community Services")
    for title, description in [
        ("Youth Worker", "Outreach to youth in Nanaimo."),
        ("Clinical Counsellor", "Trauma counselling for adults."),
        ("Early Childhood Educator", "Licensed child care centre, ECE certificate."),
        ("Community Support Worker", "Support adults with developmental disabilities."),
    ]:
        make_job(agency=agency, title=title, description=description)
    make_job(agency=agency, title="Closed Cook Position", status="closed")
    queries = [
        "",
        "worker",
        "counselling",
        "ECE",
        "youth worker",
        "Island",
        "Nanaimo",
        "cook",
        '"child care"',
    ]

    def answers():
        return [
            (q, r.total, [h.job_id for h in r.hits], r.suggestion)
            for q in queries
            for r in [search(SearchParams(q=q))]
        ]

    root = index.root_dir()
    pointer = os.path.join(root, index.POINTER)
    before_pointer = Path(pointer).read_text(encoding="utf-8")
    old_dir = index.current_dir()
    before = answers()
    assert before[0][1] == 4

    output = invoke(runner, "search", "reindex")

    assert "Indexing jobs" in output
    assert re.search(r"indexed 4 published jobs into .*index-", output)
    after_pointer = Path(pointer).read_text(encoding="utf-8")
    assert after_pointer != before_pointer
    new_dir = index.current_dir()
    assert new_dir != old_dir and os.path.basename(new_dir) == after_pointer
    assert not os.path.exists(old_dir)
    assert [n for n in os.listdir(root) if n.startswith("index-")] == [after_pointer]
    assert answers() == before
    assert invoke(runner, "search", "check") == "index matches the database\n"


def test_equal_relevance_keeps_its_order_when_a_document_is_rewritten(db, make_agency, make_job):
    """Jobs that score the same are ordered newest first, then by job id, not by where
    their documents happen to sit in the index (which changes on every rewrite)."""
    agency = make_agency(name="Harbour Family Services")
    older = make_job(agency=agency, title="Outreach Worker", description="Street outreach.")
    newer = make_job(agency=agency, title="Outreach Worker", description="Street outreach.")

    def order():
        return [h.job_id for h in search(SearchParams(q="outreach", sort="relevance")).hits]

    assert order() == [newer.id, older.id]
    sync.enqueue([older.id])  # rewrites the older job's document after the newer one's
    db.session.commit()
    sync.sync_after_commit()
    assert order() == [newer.id, older.id]


def test_check_reports_drift(db, runner, make_agency, make_job):
    agency = make_agency()
    jobs = [make_job(agency=agency, title=f"Support Worker {n}") for n in range(3)]
    assert invoke(runner, "search", "check") == "index matches the database\n"

    # a change made behind the portal's back: no outbox row
    db.session.execute(text("UPDATE jobs SET status = 'closed' WHERE id = :id"), {"id": jobs[1].id})
    db.session.commit()
    output = invoke(runner, "search", "check", exit_code=1)
    assert f"in the index but not searchable (1): {jobs[1].id}" in output
    assert "missing" not in output

    # an empty index swapped in: every job is missing
    index.swap_in(index.new_index_dir(index.root_dir()))
    output = invoke(runner, "search", "check", exit_code=1)
    assert f"missing from the index (2): {jobs[0].id}, {jobs[2].id}" in output
    assert "not searchable" not in output

    invoke(runner, "search", "reindex")
    assert invoke(runner, "search", "check") == "index matches the database\n"


def test_only_published_jobs_of_approved_agencies_are_indexed(
    db, client, make_agency, make_job, make_user
):
    approved = make_agency(name="Approved Agency")
    published = make_job(agency=approved, title="Published Worker")
    others = {
        status: make_job(agency=approved, status=status, title=f"{status.title()} Worker")
        for status in ("draft", "closed", "filled", "expired")
    }
    assert all(job.status == status for status, job in others.items())

    to_suspend = make_agency(name="Suspended Agency")
    suspended_job = make_job(agency=to_suspend, title="Suspended Agency Worker")
    to_pend = make_agency(name="Pending Agency")
    pending_job = make_job(agency=to_pend, title="Pending Agency Worker")
    ids = {published.id, suspended_job.id, pending_job.id}
    assert set(indexed_ids()) == ids

    admin = make_user(role="admin")
    change_status(to_suspend, "suspend", "Funding agreement under review.", admin)
    to_pend.status = "pending"  # e.g. set back by a data fix
    agency_jobs_enqueue(to_pend)
    db.session.commit()
    sync.sync_after_commit()

    assert indexed_ids() == {published.id: 1}
    page = get(client, "q=worker")
    assert hits(page) == [published.id] and total(page) == 1

    change_status(to_suspend, "approve", None, admin)
    db.session.commit()
    sync.sync_after_commit()
    assert set(indexed_ids()) == {published.id, suspended_job.id}


def test_another_process_sees_changes_after_refresh(db, runner, make_agency, make_job):
    agency = make_agency()
    first = make_job(agency=agency, title="Youth Worker")
    other = index.SearcherPool()  # another process's searcher over the same directory
    assert other is not index.pool()
    view = other.current()
    assert {view.facets[d].job_id for d in view.live} == {first.id}

    second = make_job(agency=agency, title="Shelter Worker")  # written by "this" process
    assert view.searcher.up_to_date() is False
    view = other.current()
    assert {view.facets[d].job_id for d in view.live} == {first.id, second.id}

    services.close(first, agency.owner)
    db.session.commit()
    sync.sync_after_commit()
    view = other.current()
    assert {view.facets[d].job_id for d in view.live} == {second.id}
    assert other.current() is view  # nothing changed: the same generation is reused

    invoke(runner, "search", "reindex")  # the other process follows the new directory
    view = other.current()
    assert other.path == index.current_dir()
    assert {view.facets[d].job_id for d in view.live} == {second.id}


# --- the search page -------------------------------------------------------------------


@pytest.fixture
def places(db):
    def ids(name):
        c = community(db, name)
        return c.id, c.region_id

    return {name: ids(name) for name in ("Nanaimo", "Victoria", "Kelowna", "Prince George")}


def region_name(db, region_id: int) -> str:
    return db.session.get(Region, region_id).name


def test_search_url_round_trips(db, client, make_agency, make_job, places):
    agency = make_agency()
    nanaimo, island = places["Nanaimo"]
    kelowna, okanagan = places["Kelowna"]
    prince_george, cariboo = places["Prince George"]
    spec = (
        [(nanaimo, "full_time")] * 12
        + [(kelowna, "full_time")] * 10
        + [(prince_george, "full_time")] * 3
        + [(nanaimo, "part_time")] * 2
    )
    for n, (place, kind) in enumerate(spec):
        make_job(
            agency=agency, title=f"Support Worker {n}", community_id=place, employment_type=kind
        )
    regions = sorted([island, okanagan])
    query = (
        f"q=support+worker&region={regions[0]}&region={regions[1]}&type=full_time"
        "&sort=newest&page=2"
    )
    page = get(client, query)
    assert total(page) == 22  # two regions OR-ed, AND full-time
    assert "Page 2 of 2" in page and len(hits(page)) == 2
    expected_args = {
        "q": ["support worker"],
        "region": [str(r) for r in regions],
        "type": ["full_time"],
        "sort": ["newest"],
    }

    # the search form carries every filter as hidden fields, and the chosen sort
    form = re.search(r'<form method="get" action="/jobs" role="search".*?</form>', page, re.S)
    assert form, "a plain GET form"
    form = form.group(0)
    assert 'name="q" value="support worker"' in form
    for r in regions:
        assert f'<input type="hidden" name="region" value="{r}">' in form
    assert '<input type="hidden" name="type" value="full_time">' in form
    assert '<option value="newest" selected>' in form

    # every facet link keeps the other filters, toggles its own and goes back to page 1
    side = facets(page)
    region_links = side["Region"]
    island_option = region_links[region_name(db, island)]
    assert island_option["chosen"]
    assert island_option["args"] == {**expected_args, "region": [str(okanagan)]}
    cariboo_option = region_links[region_name(db, cariboo)]
    assert not cariboo_option["chosen"]
    assert cariboo_option["args"] == {
        **expected_args,
        "region": sorted(str(r) for r in [island, okanagan, cariboo]),
    }
    part_time = side["Employment type"]["Part-time"]
    assert part_time["args"] == {**expected_args, "type": ["full_time", "part_time"]}
    assert all("page" not in o["args"] for section in side.values() for o in section.values())

    # "clear all filters" (above the results: the words are a filter chip too) starts again
    assert links(page, "Clear all filters") == [{}]
    assert links(page, "Previous") == [expected_args]
    assert links(page, "Next") == []

    # the URL state is canonical: parsing and printing it gives it back
    from werkzeug.datastructures import MultiDict

    params = SearchParams.from_args(
        MultiDict([(k, v) for k, vs in {**expected_args, "page": ["2"]}.items() for v in vs])
    )
    assert params.to_args() == {
        "q": "support worker",
        "region": regions,
        "type": ["full_time"],
        "sort": "newest",
        "page": 2,
    }


def test_pagination(db, client, make_agency, make_job, places):
    agency = make_agency()
    victoria, island = places["Victoria"]
    jobs = [
        make_job(agency=agency, title=f"Residential Worker {n}", community_id=victoria)
        for n in range(25)
    ]
    ids = [job.id for job in jobs]
    first = get(client, f"q=residential&region={island}")
    assert total(first) == 25
    assert "Page 1 of 2" in first
    assert len(hits(first)) == PAGE_SIZE
    assert links(first, "Previous") == []
    assert links(first, "Next") == [{"q": ["residential"], "region": [str(island)], "page": ["2"]}]

    second = get(client, f"q=residential&region={island}&page=2")
    assert "Page 2 of 2" in second
    assert len(hits(second)) == 5
    assert sorted(hits(first) + hits(second)) == sorted(ids)
    assert links(second, "Next") == []
    assert links(second, "Previous") == [{"q": ["residential"], "region": [str(island)]}]

    # without keywords (newest first) the pages split the same way
    newest = hits(get(client)) + hits(get(client, "page=2"))
    assert sorted(newest) == sorted(ids) and len(newest) == 25
    assert hits(get(client, "page=3")) == []


def test_facet_counts_use_the_query_and_the_other_filters(
    db, client, make_agency, make_job, places
):
    agency = make_agency()
    nanaimo, island = places["Nanaimo"]
    kelowna, okanagan = places["Kelowna"]
    spec = [  # (title, community, type)
        ("Youth Worker", nanaimo, "full_time"),
        ("Youth Worker Casual", nanaimo, "casual"),
        ("Youth Outreach Worker", nanaimo, "part_time"),
        ("Youth Worker", kelowna, "part_time"),
        ("Youth Worker", kelowna, "part_time"),
        ("Cook", nanaimo, "full_time"),
        ("Cook", kelowna, "casual"),
    ]
    cook = occupation_id(db, "63200")  # the default occupation's keywords include youth
    jobs = [
        make_job(
            agency=agency,
            title=t,
            community_id=c,
            employment_type=e,
            **({"occupation_id": cook} if t == "Cook" else {}),
        )
        for t, c, e in spec
    ]
    island_name, okanagan_name = region_name(db, island), region_name(db, okanagan)

    side = facets(get(client, "q=youth"))
    assert {k: v["count"] for k, v in side["Region"].items()} == {island_name: 3, okanagan_name: 2}
    assert {k: v["count"] for k, v in side["Employment type"].items()} == {
        "Full-time": 1,
        "Part-time": 3,
        "Casual": 1,
        "Temporary / term": 0,
    }

    page = get(client, f"q=youth&region={island}")
    assert total(page) == 3
    assert sorted(hits(page)) == [jobs[0].id, jobs[1].id, jobs[2].id]
    side = facets(page)
    # the region facet ignores the region filter (so other regions can be added) ...
    assert {k: (v["count"], v["chosen"]) for k, v in side["Region"].items()} == {
        island_name: (3, True),
        okanagan_name: (2, False),
    }
    # ... while the other facets count only the chosen region's matching jobs
    assert {k: v["count"] for k, v in side["Employment type"].items()} == {
        "Full-time": 1,
        "Part-time": 1,
        "Casual": 1,
        "Temporary / term": 0,
    }
    assert side["Community"] == {
        "Nanaimo": {
            "count": 3,
            "chosen": False,
            "args": {"q": ["youth"], "region": [str(island)], "community": [str(nanaimo)]},
        }
    }

    # two regions are OR-ed; region and type are AND-ed
    page = get(client, f"q=youth&region={island}&region={okanagan}")
    assert total(page) == 5
    page = get(client, f"q=youth&region={island}&region={okanagan}&type=part_time")
    assert sorted(hits(page)) == [jobs[2].id, jobs[3].id, jobs[4].id]
    side = facets(page)
    assert {k: v["count"] for k, v in side["Region"].items()} == {island_name: 1, okanagan_name: 2}
    assert side["Employment type"]["Part-time"]["chosen"]
    assert side["Employment type"]["Full-time"]["count"] == 1
    page = get(client, f"region={okanagan}&type=casual&type=part_time")
    assert sorted(hits(page)) == [jobs[3].id, jobs[4].id, jobs[6].id]


def test_pay_hours_pooled_and_posted_filters(db, client, make_agency, make_job):
    agency = make_agency()
    made = {
        "hourly 31": make_job(agency=agency, pay_max_cents=3100, hours_per_week=15),
        "hourly 30": make_job(
            agency=agency, pay_min_cents=2800, pay_max_cents=3000, hours_per_week=20
        ),
        "hourly 29.99": make_job(
            agency=agency, pay_min_cents=2500, pay_max_cents=2999, hours_per_week=29.5
        ),
        # annual pay in hours of a full-time year: 52 x 37.5 = 1,950 h
        "annual 58,500": make_job(
            agency=agency,
            pay_unit="annual",
            pay_min_cents=50000_00,
            pay_max_cents=58500_00,
            hours_per_week=30,
        ),
        "annual 58,400": make_job(
            agency=agency,
            pay_unit="annual",
            pay_min_cents=50000_00,
            pay_max_cents=58400_00,
            hours_per_week=37.5,
        ),
    }
    ids = {name: job.id for name, job in made.items()}

    def found(query):
        return sorted(hits(get(client, query)))

    def of(*names):
        return sorted(ids[n] for n in names)

    assert found("pay=30") == of("hourly 31", "hourly 30", "annual 58,500")
    assert found("pay=25") == of(*ids)
    assert found("pay=35") == []
    side = facets(get(client))
    assert {k: v["count"] for k, v in side["Minimum pay"].items()} == {
        "$20/h or more": 5,
        "$25/h or more": 5,
        "$30/h or more": 3,
        "$35/h or more": 0,
        "$40/h or more": 0,
        "$50/h or more": 0,
    }

    assert found("hours=under-20") == of("hourly 31")
    assert found("hours=20-30") == of("hourly 30", "hourly 29.99")
    assert found("hours=30-plus") == of("annual 58,500", "annual 58,400")
    assert found("hours=under-20&hours=30-plus") == of(
        "hourly 31", "annual 58,500", "annual 58,400"
    )
    assert found("hours=20-30&pay=30") == of("hourly 30")
    assert {k: v["count"] for k, v in facets(get(client, "pay=30"))["Hours per week"].items()} == {
        "Under 20 h": 1,
        "20–30 h": 1,
        "30 h or more": 1,
    }

    # no pooled positions yet
    page = get(client, "pooled=1")
    assert total(page) == 0 and hits(page) == []
    assert facets(get(client))["Position type"]["Pooled positions only"]["count"] == 0

    # posted within N days
    old = made["annual 58,400"]
    old.published_at = utcnow() - timedelta(days=10)
    resync(db, old)
    assert ids["annual 58,400"] not in found("posted=7")
    assert len(found("posted=7")) == 4
    assert found("posted=14") == of(*ids)
    assert {k: v["count"] for k, v in facets(get(client))["Posted"].items()} == {
        "Last 24 hours": 4,
        "Last 7 days": 4,
        "Last 14 days": 5,
        "Last 30 days": 5,
    }


def test_sorting(db, client, make_agency, make_job):
    agency = make_agency()
    today = today_pacific()
    spec = [  # (pay max per hour, closes in days, published days ago)
        (3100, 20, 3),
        (4000, 60, 1),
        (2500, 5, 2),
        (3500, 40, 4),
    ]
    jobs = []
    for n, (pay, closes, age) in enumerate(spec):
        job = make_job(
            agency=agency,
            title=f"Support Worker {n}",
            pay_min_cents=2000,
            pay_max_cents=pay,
            closes_on=today + timedelta(days=closes),
        )
        job.published_at = utcnow() - timedelta(days=age)
        resync(db, job)
        jobs.append(job.id)

    assert hits(get(client, "sort=newest")) == [jobs[1], jobs[2], jobs[0], jobs[3]]
    assert hits(get(client)) == hits(get(client, "sort=newest"))  # the default without q
    assert hits(get(client, "sort=pay")) == [jobs[1], jobs[3], jobs[0], jobs[2]]
    assert hits(get(client, "sort=closing")) == [jobs[2], jobs[0], jobs[3], jobs[1]]
    assert hits(get(client, "q=support&sort=closing")) == [jobs[2], jobs[0], jobs[3], jobs[1]]
    page = get(client, "q=support&sort=pay")
    assert '<option value="pay" selected>' in page
    assert links(page, "Clear all filters") == []


def test_highlights_and_no_results_help(db, client, make_agency, make_job):
    agency = make_agency()
    job = make_job(
        agency=agency,
        title="Youth Worker",
        description="Mentor youth at risk in our drop-in centre. <script>alert(1)</script>",
    )
    page = get(client, "q=youth")
    assert hits(page) == [job.id]
    assert re.search(rf'<a href="/jobs/{job.id}"><mark[^>]*>Youth</mark> Worker</a>', page)
    snippet = re.search(r'<p class="mb-0 small snippet">(.*?)</p>', page, re.S).group(1)
    assert re.search(r"Mentor <mark[^>]*>youth</mark> at risk", snippet)
    assert "<script" not in snippet and "&lt;script" in snippet  # the job's text is escaped

    page = get(client, "q=zzqxv+plumber&type=casual")
    assert total(page) == 0 and hits(page) == []
    assert "No jobs match this search. Try:" in page
    assert links(page, "removing the filters") == [{"q": ["zzqxv plumber"]}]
    [everything] = links(page, "all jobs with these filters")
    everything.pop("sort", None)  # a leftover sort=relevance sorts newest without keywords
    assert everything == {"type": ["casual"]}
    assert "fewer or more general words" in page
    assert "a neighbouring region" in page


def test_the_page_works_without_javascript(db, client, make_agency, make_job):
    agency = make_agency()
    make_job(agency=agency)
    page = get(client, "q=support")
    # no script at all: menus and disclosures are <details>
    assert re.findall(r"<script[^>]*>", page) == []
    assert "javascript:" not in page and " onclick" not in page and " onchange" not in page
    assert re.search(r'<form method="get" action="/jobs" role="search"', page)
    assert '<button class="btn btn-primary btn-lg w-100" type="submit">Search</button>' in page
    # filters and sort are plain links and form fields
    assert facets(page)["Employment type"]["Part-time"]["args"] == {
        "q": ["support"],
        "type": ["part_time"],
    }
    assert '<select class="form-select form-select-lg" id="sort" name="sort">' in page


def test_hours_range_filter_from_the_url(client, make_job):
    part = make_job(title="Respite Worker", hours_per_week=16.0)
    mid = make_job(title="Respite Worker", hours_per_week=30.0)
    full = make_job(title="Respite Worker", hours_per_week=37.5)
    page = client.get("/jobs?q=respite&hmin=20&hmax=35").get_data(as_text=True)
    assert f'href="/jobs/{mid.id}"' in page
    assert f'href="/jobs/{part.id}"' not in page and f'href="/jobs/{full.id}"' not in page
    assert 'name="hmin" value="20"' in page  # the range form keeps what was asked
    only_min = client.get("/jobs?q=respite&hmin=30").get_data(as_text=True)
    assert f'href="/jobs/{full.id}"' in only_min and f'href="/jobs/{part.id}"' not in only_min
