"""The API's read side (portal/api: reference lists, job search, job detail, the agency's
own jobs, agencies) on a small seeded world (``tests/support/api.py``): the search gives
the page's jobs for the same query string, facets, cursor pagination without gaps or
duplicates, who sees which job, ETags, problem+json errors, and hostile values.
Who may use each route is in ``tests/support/access/api.txt``."""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.models import ApiToken, Community, Job, Occupation, Region
from tests.support.api import ApiWorld, build_api_world
from tests.support.seeded import seed_in_app

HIT_RE = re.compile(r'<h3 class="h5 mb-1"><a href="/jobs/(\d+)">')
PROBLEM_KEYS = {"type", "title", "status", "instance"}


@pytest.fixture
def seeded(request, seeded_databases):
    backend = request.node.callspec.params["app"]
    return seeded_databases("api", seed_in_app(build_api_world), backend)


@pytest.fixture
def world(app, seeded) -> ApiWorld:
    return ApiWorld.of(seeded.output)


def region_id(code: str) -> int:
    return _db.session.scalar(select(Region.id).where(Region.code == code))


def occupation_id(noc: str) -> int:
    return _db.session.scalar(select(Occupation.id).where(Occupation.noc_code == noc))


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status and body["type"] == "about:blank"
    return body


def page_ids(client, query: str) -> list[int]:
    """The job ids the /jobs page lists for ``query``, every page of it."""
    found, page = [], 1
    while True:
        response = client.get(f"/jobs?{query}&page={page}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        found += [int(i) for i in HIT_RE.findall(html)]
        if f"page={page + 1}" not in html:
            return found
        page += 1


def walk(client, query: str, limit: int, headers=None) -> tuple[list[dict], list[dict]]:
    """Every page of an API list through its cursors: the items, and each page's body."""
    url = f"/api/v1/jobs?{query}&limit={limit}" if "?" not in query else query
    items, bodies = [], []
    for _ in range(200):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        bodies.append(body)
        key = "jobs" if "jobs" in body else "agencies"
        items += body[key]
        link = response.headers.get("Link")
        if body["next_cursor"] is None:
            assert link is None
            return items, bodies
        assert len(body[key]) == limit
        (target,) = re.fullmatch(r'<([^>]+)>; rel="next"', link).groups()
        parts = urlsplit(target)
        assert parts.scheme == "http" and f"cursor={body['next_cursor']}" in parts.query
        url = f"{parts.path}?{parts.query}"
    raise AssertionError("the cursors never ended")


# --- reference lists ---------------------------------------------------------------------


def test_reference_lists_are_cacheable(client, world):
    regions = client.get("/api/v1/regions")
    assert regions.status_code == 200
    assert regions.headers["Cache-Control"] == "public, max-age=3600"
    assert len(regions.get_json()) == 8 and set(regions.get_json()[0]) == {"id", "code", "name"}
    kootenay = region_id("kootenay")
    communities = client.get(f"/api/v1/communities?region={kootenay}").get_json()
    assert communities and {c["region_id"] for c in communities} == {kootenay}
    everywhere = client.get("/api/v1/communities").get_json()
    assert len(everywhere) == _db.session.query(Community).count() > len(communities)
    occupations = client.get("/api/v1/occupations").get_json()
    assert {"id", "noc", "title"} == set(occupations[0])
    assert "42201" in {o["noc"] for o in occupations}
    credentials = client.get("/api/v1/credentials")
    assert credentials.headers["Cache-Control"] == "public, max-age=3600"
    assert {"id", "code", "name", "kind"} == set(credentials.get_json()[0])


def test_a_bad_region_filter_is_a_field_error(client, world):
    body = assert_problem(client.get("/api/v1/communities?region=north"), 422)
    assert [e["field"] for e in body["errors"]] == ["region"]


# --- the search: the page's jobs --------------------------------------------------------


QUERIES = {
    "everything": lambda: "",
    "words": lambda: "q=youth+worker",
    "a typo, corrected": lambda: "q=wroker",
    "region": lambda: f"region={region_id('mainland-southwest')}",
    "two types": lambda: "type=part_time&type=casual",
    "pooled": lambda: "pooled=1",
    "by pay": lambda: "sort=pay",
    "pay and hours": lambda: "pay=30&hours=30-plus",
    "occupation, closing first": lambda: f"occupation={occupation_id('42202')}&sort=closing",
    "ignored values": lambda: "region=north&posted=3&hmin=x&type=nonsense&sort=worst",
}


@pytest.mark.parametrize("name", QUERIES)
def test_the_search_finds_the_pages_jobs_in_its_order(client, world, name):
    query = QUERIES[name]()
    expected = page_ids(client, query)
    for limit in (20, 7):
        jobs, bodies = walk(client, query, limit)
        assert [job["id"] for job in jobs] == expected, limit
        assert {body["total"] for body in bodies} == {len(expected)}
    if name == "a typo, corrected":
        assert bodies[0]["corrected_from"] == "wroker" and bodies[0]["suggestion"] == "worker"


def test_a_job_in_the_search(client, world):
    body = client.get("/api/v1/jobs?pooled=1").get_json()
    (job,) = body["jobs"]
    assert job["id"] == world.ids["pooled"] and job["pooled"] is True
    assert job["title"] == "Pooled Youth Worker" and job["status"] == "published"
    assert job["agency"] == {
        "id": world.ids["agency"],
        "name": "Harbour Family Services",
        "slug": world.ids["slugs"]["agency"],
    }
    assert [e["name"] for e in job["employers"]] == [
        "Harbour Family Services",
        "Valley Community Living",
    ]
    assert job["hours_per_week"] == 37.5  # both shares
    assert job["pay"] == {"min": 26.0, "max": 31.0, "unit": "hourly", "currency": "CAD"}
    assert job["occupation"]["noc"] == "42201" and job["employment_type"] == "part_time"
    assert set(job["community"]) == {"id", "name"} and set(job["region"]) == {"id", "name"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", job["closes_on"])
    assert job["published_at"].endswith("+00:00")
    assert job["url"] == f"http://localhost/jobs/{job['id']}"
    assert job["api_url"] == f"http://localhost/api/v1/jobs/{job['id']}"


def test_only_published_jobs_of_approved_agencies_are_found(client, world):
    jobs, _ = walk(client, "", 100)
    found = {job["id"] for job in jobs}
    assert found == {*world.ids["jobs"], world.ids["pooled"]}
    for hidden in ("draft", "closed", "other_draft", "hidden"):
        assert world.ids[hidden] not in found


def test_facets_count_each_filter_with_the_others_kept(client, world):
    everything = client.get("/api/v1/jobs").get_json()
    facets, total = everything["facets"], everything["total"]
    assert sum(r["count"] for r in facets["region"]) == total
    assert sum(t["count"] for t in facets["employment_type"]) == total
    assert [t["value"] for t in facets["employment_type"]] == [
        "full_time",
        "part_time",
        "casual",
        "temporary",
    ]
    assert facets["pooled"] == 1
    assert {a["name"]: a["count"] for a in facets["agency"]} == {
        "Harbour Family Services": 13,
        "Valley Community Living": 13,
    }
    noc = {o["noc"]: o["count"] for o in facets["occupation"]}
    assert noc == {"42201": 17, "42202": 4, "41300": 4}
    assert [p["min_hourly"] for p in facets["pay"]] == [20, 25, 30, 35, 40, 50]
    assert [p["days"] for p in facets["posted"]] == [1, 7, 14, 30]

    island = region_id("vancouver-island-coast")
    one_region = client.get(f"/api/v1/jobs?region={island}").get_json()
    # the region facet ignores the region filter (other regions stay choosable)...
    assert one_region["facets"]["region"] == facets["region"]
    # ...the others count within it
    assert one_region["total"] == next(r["count"] for r in facets["region"] if r["id"] == island)
    assert sum(t["count"] for t in one_region["facets"]["employment_type"]) == one_region["total"]


# --- cursors ------------------------------------------------------------------------------


def test_cursors_walk_every_job_once(client, world):
    jobs, bodies = walk(client, "sort=newest", 5)
    ids = [job["id"] for job in jobs]
    assert len(ids) == len(set(ids)) == len(world.ids["jobs"]) + 1
    assert len(bodies) == 5 and bodies[-1]["next_cursor"] is None  # 25 jobs: no empty page
    stamps = [job["published_at"] for job in jobs]
    assert stamps == sorted(stamps, reverse=True)
    six, _ = walk(client, "sort=newest", 6)
    assert [job["id"] for job in six] == ids


def test_a_cursor_of_another_search_or_no_cursor_is_400(client, world):
    first = client.get("/api/v1/jobs?q=youth&limit=2").get_json()
    cursor = first["next_cursor"]
    assert cursor
    assert client.get(f"/api/v1/jobs?q=youth&limit=2&cursor={cursor}").status_code == 200
    # the limit may change from page to page, and the page number is not the search's
    assert client.get(f"/api/v1/jobs?q=youth&limit=9&page=3&cursor={cursor}").status_code == 200
    for query in (
        f"q=worker&cursor={cursor}",
        f"q=youth&type=casual&cursor={cursor}",
        "cursor=not-a-cursor",
        "cursor=" + "A" * 400,
        "cursor=eyJwIjotNSwiZCI6IngifQ",  # {"p":-5,"d":"x"}
    ):
        body = assert_problem(client.get(f"/api/v1/jobs?{query}"), 400)
        assert "cursor" in body["detail"]


def test_a_cursor_past_the_end_gives_an_empty_page(client, world):
    from portal.api import cursors
    from portal.search import SearchParams

    with client.application.test_request_context():
        scope = cursors.digest("jobs", SearchParams().to_args())
        cursor = cursors.encode(10_000, scope)
    body = client.get(f"/api/v1/jobs?cursor={cursor}").get_json()
    assert body["jobs"] == [] and body["next_cursor"] is None and body["total"] == 25
    assert_problem(client.get(f"/api/v1/jobs?cursor={cursors.encode(-1, scope)}"), 400)
    assert_problem(client.get(f"/api/v1/jobs?cursor={cursors.encode('1', scope)}"), 400)


@pytest.mark.parametrize("limit", ["0", "101", "-3", "ten", "9" * 30, "2.5"])
def test_limit_is_1_to_100(client, world, limit):
    body = assert_problem(client.get(f"/api/v1/jobs?limit={limit}"), 422)
    assert [e["field"] for e in body["errors"]] == ["limit"]


def test_limit_bounds_are_accepted(client, world):
    assert len(client.get("/api/v1/jobs?limit=1").get_json()["jobs"]) == 1
    assert len(client.get("/api/v1/jobs?limit=100").get_json()["jobs"]) == 25
    assert len(client.get("/api/v1/jobs").get_json()["jobs"]) == 20  # the default


# --- one job --------------------------------------------------------------------------------


def test_a_published_job_in_full(client, world):
    ece = _db.session.scalar(
        select(Job.id).where(Job.id.in_(world.ids["jobs"]), Job.title == "Early Childhood Educator")
    )
    response = client.get(f"/api/v1/jobs/{ece}")
    assert response.status_code == 200
    job = response.get_json()
    assert job["description"]["markdown"].endswith("**Apply** today.")
    assert "<strong>Apply</strong>" in job["description"]["html"]
    assert [c["name"] for c in job["credentials"]["required"]] == [
        "Early Childhood Educator (ECE) certificate (BC ECE Registry)"
    ]
    assert len(job["credentials"]["preferred"]) == 1
    assert job["shares"][0]["agency"]["id"] == world.ids["agency"]
    assert response.headers["ETag"] == f'"v{job["version"]}"'
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_a_pooled_job_lists_each_share(client, world):
    job = client.get(f"/api/v1/jobs/{world.ids['pooled']}").get_json()
    shares = job["shares"]
    assert [s["agency"]["name"] for s in shares] == [
        "Harbour Family Services",
        "Valley Community Living",
    ]
    assert [s["hours_per_week"] for s in shares] == [18.75, 18.75]
    assert shares[1]["pay"] == {"min": 27.0, "max": 32.0, "unit": "hourly", "currency": "CAD"}
    assert shares[0]["schedule"][0] == {"day": "monday", "start": "09:00", "end": "12:45"}
    assert shares[1]["schedule"][0] == {"day": "monday", "start": "13:00", "end": "16:45"}


def test_etag_and_if_none_match(client, world):
    url = f"/api/v1/jobs/{world.ids['jobs'][0]}"
    tag = client.get(url).headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == tag
    assert unchanged.get_data() == b""
    assert client.get(url, headers={"If-None-Match": f"W/{tag}"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"v999"'}).status_code == 200

    job = _db.session.get(Job, world.ids["jobs"][0])
    job.title = "Renamed Worker"
    _db.session.commit()
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.get_json()["title"] == "Renamed Worker"


@pytest.mark.parametrize(
    ("job", "token", "status"),
    [
        ("draft", None, 404),
        ("draft", "read", 200),
        ("draft", "all", 200),
        ("draft", "write", 404),  # no jobs:read
        ("draft", "other_read", 404),  # another agency's token
        ("closed", None, 404),
        ("closed", "read", 200),
        ("closed", "other_read", 404),
        ("other_draft", "read", 404),
        ("other_draft", "other_read", 200),
        ("hidden", None, 404),  # a suspended agency's published job
        ("pooled", "other_read", 200),
    ],
)
def test_who_sees_a_job_that_is_not_published(client, world, job, token, status):
    headers = world.bearer(token) if token else {}
    response = client.get(f"/api/v1/jobs/{world.ids[job]}", headers=headers)
    if status == 404:
        assert_problem(response, 404)
    else:
        assert response.status_code == 200
        assert response.get_json()["id"] == world.ids[job]
        assert response.headers["Cache-Control"] == "private, no-cache"


def test_a_bad_token_is_401_even_where_none_is_needed(client, world):
    response = client.get(
        f"/api/v1/jobs/{world.ids['pooled']}", headers={"Authorization": "Bearer sjp_nope"}
    )
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_missing_job_is_a_problem(client, world):
    body = assert_problem(client.get("/api/v1/jobs/99999"), 404)
    assert body["instance"] == "/api/v1/jobs/99999"


# --- the agency's own jobs ------------------------------------------------------------------


def test_the_agencys_jobs_need_a_jobs_read_token(client, world):
    response = client.get("/api/v1/agency/jobs")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    body = assert_problem(client.get("/api/v1/agency/jobs", headers=world.bearer("write")), 403)
    assert "jobs:read" in body["detail"]


def test_the_agencys_jobs_of_every_status(client, world):
    jobs, _ = walk(client, "/api/v1/agency/jobs?limit=4", 4, headers=world.bearer("read"))
    ids = [job["id"] for job in jobs]
    assert ids == sorted(ids, reverse=True)
    expected = _db.session.scalars(select(Job.id).where(Job.agency_id == world.ids["agency"]))
    assert set(ids) == set(expected) and len(ids) == 15
    assert {job["status"] for job in jobs} == {"published", "draft", "closed"}

    drafts = client.get("/api/v1/agency/jobs?status=draft", headers=world.bearer("read"))
    assert [j["id"] for j in drafts.get_json()["jobs"]] == [world.ids["draft"]]
    assert drafts.headers["Cache-Control"] == "private, no-cache"
    other = client.get("/api/v1/agency/jobs?status=draft", headers=world.bearer("other_read"))
    assert [j["id"] for j in other.get_json()["jobs"]] == [world.ids["other_draft"]]
    body = assert_problem(
        client.get("/api/v1/agency/jobs?status=lost", headers=world.bearer("read")), 422
    )
    assert body["errors"][0]["field"] == "status"
    # a cursor of one agency's list is not another's
    cursor = client.get("/api/v1/agency/jobs?limit=1", headers=world.bearer("read")).get_json()
    query = f"/api/v1/agency/jobs?limit=1&cursor={cursor['next_cursor']}"
    assert_problem(client.get(query, headers=world.bearer("other_read")), 400)


def test_a_tokens_use_is_recorded(client, world):
    client.get(f"/api/v1/jobs/{world.ids['draft']}", headers=world.bearer("read"))
    _db.session.expire_all()
    token = _db.session.scalar(
        select(ApiToken).where(
            ApiToken.scopes == "jobs:read", ApiToken.agency_id == world.ids["agency"]
        )
    )
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"


# --- agencies -------------------------------------------------------------------------------


def test_the_approved_agencies(client, world):
    body = client.get("/api/v1/agencies").get_json()
    assert [a["name"] for a in body["agencies"]] == [
        "Harbour Family Services",
        "Valley Community Living",
    ]
    assert body["total"] == 2 and body["next_cursor"] is None
    harbour = body["agencies"][0]
    assert harbour["open_jobs"] == 13 and body["agencies"][1]["open_jobs"] == 13
    assert harbour["url"] == f"http://localhost/agencies/{world.ids['slugs']['agency']}"
    assert harbour["api_url"] == f"http://localhost/api/v1/agencies/{harbour['slug']}"
    assert harbour["website"] == "https://harbour.example.org"
    assert harbour["region"]["id"] == region_id("vancouver-island-coast")
    assert set(harbour["subsector"]) == {"id", "code", "name"}

    island = client.get(f"/api/v1/agencies?region={region_id('vancouver-island-coast')}")
    assert [a["name"] for a in island.get_json()["agencies"]] == ["Harbour Family Services"]
    subsector = harbour["subsector"]["id"]
    assert client.get(f"/api/v1/agencies?subsector={subsector}").get_json()["total"] == 2
    assert client.get(f"/api/v1/agencies?subsector={subsector + 1}").get_json()["total"] == 0
    assert_problem(client.get("/api/v1/agencies?region=island"), 422)


def test_agencies_by_cursor(client, world):
    agencies, bodies = walk(client, "/api/v1/agencies?limit=1", 1)
    assert [a["name"] for a in agencies] == ["Harbour Family Services", "Valley Community Living"]
    assert len(bodies) == 2
    cursor = bodies[0]["next_cursor"]
    region = region_id("kootenay")
    assert_problem(client.get(f"/api/v1/agencies?region={region}&cursor={cursor}"), 400)


def test_one_agency_and_its_open_jobs(client, world):
    body = client.get(f"/api/v1/agencies/{world.ids['slugs']['other']}").get_json()
    assert body["name"] == "Valley Community Living" and body["about"] is None
    jobs = {job["id"]: job for job in body["jobs"]}
    assert len(jobs) == body["open_jobs"] == 13
    pooled = jobs[world.ids["pooled"]]
    assert pooled["pooled"] is True and pooled["lead"] is False
    assert pooled["api_url"] == f"http://localhost/api/v1/jobs/{world.ids['pooled']}"
    assert world.ids["other_draft"] not in jobs

    harbour = client.get(f"/api/v1/agencies/{world.ids['slugs']['agency']}").get_json()
    assert "<strong>families</strong>" in harbour["about"]["html"]
    for slug in (world.ids["slugs"]["pending"], "gone-society", "no-such-agency"):
        assert_problem(client.get(f"/api/v1/agencies/{slug}"), 404)


# --- errors and hostile input -------------------------------------------------------------


def test_errors_are_problems(client, world):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.delete("/api/v1/regions"), 405)
    assert_problem(client.get("/api/v1/jobs?cursor=%%%"), 400)


HOSTILE = ["9" * 40, "-1", "0", "ünïcödé 中文 🙂", "' OR 1=1 --", "x" * 5000, "%FF", "1e309"]
LISTS = {
    "/api/v1/jobs": ["q", "region", "community", "occupation", "type", "agency", "pay", "hours"]
    + ["hmin", "hmax", "pooled", "posted", "sort", "limit", "cursor"],
    "/api/v1/agencies": ["region", "subsector", "limit", "cursor"],
    "/api/v1/communities": ["region"],
    "/api/v1/agency/jobs": ["status", "limit", "cursor"],
}


def test_hostile_query_values_never_fail(client, world):
    failures = []
    for path, names in LISTS.items():
        for name in names:
            for value in HOSTILE:
                for query in (urlencode({name: value}), urlencode([(name, value)] * 3)):
                    response = client.get(f"{path}?{query}", headers=world.bearer("read"))
                    if response.status_code >= 500 or response.status_code not in (200, 400, 422):
                        failures.append(f"{path}?{query[:60]}: {response.status_code}")
    nul = client.get("/api/v1/jobs?q=a%00b")
    assert nul.status_code == 400
    assert not failures, "\n".join(failures)


def test_hostile_path_values_are_404(client, world):
    for value in ["9" * 40, "0", "-1", "%C3%A9", "1.5", "ünï"]:
        assert_problem(client.get(f"/api/v1/jobs/{value}"), 404)
    for value in ["x" * 3000, "%C3%A9%E4%B8%AD", "' OR 1=1", "..%2F..%2Fetc"]:
        assert_problem(client.get(f"/api/v1/agencies/{value}"), 404)


# --- rate limit -------------------------------------------------------------------------------


def test_reads_are_rate_limited_per_address(app, client, world):
    app.config["RATELIMIT_API"] = "3 per hour"
    for path in ("/api/v1/regions", "/api/v1/jobs", f"/api/v1/jobs/{world.ids['pooled']}"):
        assert client.get(path).status_code == 200
    refused = client.get("/api/v1/agencies")
    body = assert_problem(refused, 429)
    assert 3590 < int(refused.headers["Retry-After"]) <= 3600
    assert "try again in" in body["detail"]
    other = client.get("/api/v1/regions", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200  # another address has its own count
