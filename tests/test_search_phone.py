"""The job search on a phone: the filters fold into one "Filters (N active)" disclosure above
the results, and every active filter is a chip above the results whose link removes just
that filter (issue 16, "Search on a phone"). The layout itself is checked in a browser in
tests/browser/test_search_phone.py."""

import html
import re
from urllib.parse import parse_qs, urlsplit

from portal.models import Region
from tests.support.reference import community, occupation

CHIP_RE = re.compile(
    r'<a class="filter-chip" href="([^"]+)"><span class="visually-hidden">Remove filter </span>'
    r'(.*?)<span class="filter-chip-x" aria-hidden="true">×</span></a>'
)
SUMMARY_RE = re.compile(r'<summary class="filters-summary">([^<]*)</summary>')
CLEAR_RE = re.compile(r'<a class="filter-chips-clear" href="([^"]+)">Clear all filters</a>')
HIT_RE = re.compile(r'<h3 class="h5 mb-1"><a href="/jobs/(\d+)">')


def page_of(client, query: str = "") -> str:
    response = client.get(f"/jobs?{query}" if query else "/jobs")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def args_of(href: str) -> dict[str, list[str]]:
    parts = urlsplit(html.unescape(href))
    assert parts.path == "/jobs", href
    return {name: sorted(values) for name, values in parse_qs(parts.query).items()}


def chips(page: str) -> dict[str, dict[str, list[str]]]:
    """{chip label: the URL arguments of its link}, in page order."""
    found = [(html.unescape(label), args_of(href)) for href, label in CHIP_RE.findall(page)]
    assert len(found) == len(dict(found)), "two chips with one label"
    return dict(found)


def summary(page: str) -> str:
    [text] = SUMMARY_RE.findall(page)
    return text


def without(args: dict[str, list[str]], name: str, value: str | None = None) -> dict:
    """``args`` without the parameter ``name`` (or only its ``value``)."""
    rest = {k: list(v) for k, v in args.items()}
    if value is None or rest[name] == [value]:
        del rest[name]
    else:
        rest[name].remove(value)
    return rest


def test_no_filters_no_chips(client, db, make_job):
    make_job()
    page = page_of(client)
    assert summary(page) == "Filters"
    assert "filter-chip" not in page and "Clear all filters" not in page
    assert "Remove filter" not in page
    page = page_of(client, "sort=pay&page=1")  # the sort and the page are not filters
    assert summary(page) == "Filters" and chips(page) == {}


def test_every_filter_is_a_chip_that_removes_just_itself(client, db, make_agency):
    agency = make_agency(name="Harbour Living")
    nanaimo = community(db, "Nanaimo")
    island = db.session.get(Region, nanaimo.region_id)
    okanagan = db.session.get(Region, community(db, "Kelowna").region_id)
    ece = occupation(db, "42202")
    args = {
        "q": ["outreach"],
        "occupation": [str(ece.id)],
        "region": sorted([str(island.id), str(okanagan.id)]),
        "community": [str(nanaimo.id)],
        "agency": [str(agency.id)],
        "type": ["casual", "part_time"],
        "hours": ["20-30"],
        "hmin": ["15"],
        "hmax": ["35"],
        "pay": ["25"],
        "pooled": ["1"],
        "posted": ["7"],
        "sort": ["pay"],
    }
    query = "&".join(f"{k}={v}" for k, vs in args.items() for v in vs) + "&page=3"
    page = page_of(client, query)

    found = chips(page)
    assert list(found) == [
        "Text: outreach",
        f"Occupation: {ece.title}",
        *(f"Region: {r.name}" for r in sorted([island, okanagan], key=lambda r: r.id)),
        "Community: Nanaimo",
        "Agency: Harbour Living",
        "Casual",
        "Part-time",
        "Hours per week: 20–30",
        "Hours per week: from 15",
        "Hours per week: up to 35",
        "Pay: $25/h or more",
        "Pooled positions only",
        "Posted: last 7 days",
    ]
    assert summary(page) == f"Filters ({len(found)} active)" == "Filters (14 active)"

    # each link is the same search without that one filter, back to page 1, sort kept
    expected = {
        "Text: outreach": without(args, "q"),
        f"Occupation: {ece.title}": without(args, "occupation"),
        f"Region: {island.name}": without(args, "region", str(island.id)),
        f"Region: {okanagan.name}": without(args, "region", str(okanagan.id)),
        "Community: Nanaimo": without(args, "community"),
        "Agency: Harbour Living": without(args, "agency"),
        "Casual": without(args, "type", "casual"),
        "Part-time": without(args, "type", "part_time"),
        "Hours per week: 20–30": without(args, "hours"),
        "Hours per week: from 15": without(args, "hmin"),
        "Hours per week: up to 35": without(args, "hmax"),
        "Pay: $25/h or more": without(args, "pay"),
        "Pooled positions only": without(args, "pooled"),
        "Posted: last 7 days": without(args, "posted"),
    }
    assert found == expected

    # following a chip's link really drops that filter and only it
    after = page_of(client, html.unescape(CHIP_RE.findall(page)[2][0]).split("?", 1)[1])
    assert set(chips(after)) == set(found) - {list(found)[2]}
    assert summary(after) == "Filters (13 active)"

    # "Clear all filters" starts again, keeping only the sort
    [clear] = CLEAR_RE.findall(page)
    assert args_of(clear) == {"sort": ["pay"]}
    cleared = page_of(client, "sort=pay")
    assert chips(cleared) == {} and summary(cleared) == "Filters"

    # searching again from the search box keeps every filter (the hours range too)
    form = re.search(r'<form method="get" action="/jobs" role="search".*?</form>', page, re.S)
    kept = {
        name: sorted(re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', form[0]))
        for name in args
        if name not in ("q", "sort")
    }
    assert kept == {k: v for k, v in args.items() if k not in ("q", "sort")}

    # the disclosure holds the side bar's filter groups; each chip names itself for a
    # screen reader ("Remove filter Region: ..."); the chips are a labelled list
    assert '<ul class="filter-chips list-unstyled" aria-label="Active filters">' in page
    details = page[page.index('<details class="filters">') : page.index("</details>")]
    for group in ("Region", "Occupation", "Employment type", "Minimum pay", "Posted"):
        assert f'<h2 class="h6">{group}</h2>' in details


def test_one_filter_has_no_clear_all_and_the_words_alone_are_a_chip(client, db):
    page = page_of(client, "q=youth+worker")
    assert chips(page) == {"Text: youth worker": {}}
    assert summary(page) == "Filters (1 active)"
    assert "Clear all filters" not in page

    page = page_of(client, "type=part_time&sort=closing")
    assert chips(page) == {"Part-time": {"sort": ["closing"]}}
    assert "Clear all filters" not in page


def test_the_results_come_before_the_filter_groups_on_a_phone(client, db, make_job):
    """Only the closed disclosure's one-line summary stands between the search form and
    the results: the filter groups are inside a ``<details>`` that is not open, and the
    chips, the results and the first job follow it; the pre-qualified lists box comes
    after the results."""
    job = make_job(title="Outreach Worker")
    page = page_of(client, "q=outreach&type=full_time")
    opening = re.search(r"<details[^>]*>", page).group(0)
    assert opening == '<details class="filters">'  # closed unless the user opens it
    details_start, details_end = page.index(opening), page.index("</details>")
    assert page.index('<form method="get" action="/jobs" role="search"') < details_start
    groups = [m.start() for m in re.finditer(r'<section class="mb-3">\s*<h2 class="h6">', page)]
    assert groups and all(details_start < g < details_end for g in groups)
    first_hit = HIT_RE.search(page)
    assert first_hit and first_hit.group(1) == str(job.id)
    assert details_end < page.index('class="filter-chips') < first_hit.start()
    assert first_hit.start() < page.index("Pre-qualified lists open now")
    assert page.count("<details") == 1  # one rendering of the filters: no duplicate ids
    assert page.count('id="hmin"') == 1


def test_odd_parameters_make_no_broken_chips(client, db):
    query = (
        "q=%3Cscript%3Ealert(1)%3C/script%3E&region=abc&region=99999999&region=-3"
        "&type=%3Cb%3E&type=part_time&hours=bogus&pay=-5&posted=3&hmin=x&hmax=1e9"
        "&pooled=maybe&community=0&agency=" + "9" * 40 + "&occupation=1.5&sort=evil"
    )
    page = page_of(client, query)
    assert "<script>alert" not in page
    found = chips(page)
    assert found == {
        "Text: <script>alert(1)</script>": {"region": ["99999999"], "type": ["part_time"]},
        "Region: unknown (99999999)": {
            "q": ["<script>alert(1)</script>"],
            "type": ["part_time"],
        },
        "Part-time": {"q": ["<script>alert(1)</script>"], "region": ["99999999"]},
    }
    assert summary(page) == "Filters (3 active)"
    # a repeated value is one filter
    page = page_of(client, "type=casual&type=casual")
    assert chips(page) == {"Casual": {}}


def test_a_list_filter_reads_at_most_twenty_values(client, db):
    """Each value is a chip whose link repeats the others: 350 made-up agency ids (a 3.8 KB
    query) once made a 2 MB page. Only the first MAX_VALUES values of a filter are read."""
    from portal.search.params import MAX_VALUES

    query = "&".join(f"agency={n}" for n in range(100, 450))
    page = page_of(client, query)
    found = chips(page)
    assert len(found) == MAX_VALUES == 20
    assert "Agency: unknown (100)" in found and "Agency: unknown (120)" not in found
    assert len(page) < 200_000
    assert summary(page) == "Filters (20 active)"
