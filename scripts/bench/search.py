"""Search benchmark: N synthetic sector jobs loaded through the portal's services, the
Whoosh index built by `flask search reindex`'s code, a fixed query mix through the
portal's search code, the /jobs page and the API's search (/api/v1/jobs: the same filters,
facets, JSON, and the next page by its cursor), and SQLite FTS5 on the same data as a
baseline.

Cold queries: 500 distinct queries drawn from the sector's vocabulary (titles,
credentials, places, misspellings, 1-4 words, half of them with filters), each run once on
a fresh searcher with no cached term (as the first query after an index change), and the
same queries on FTS5. Publish and update latency: a job published (or an old job edited
and another closed) through the services, committed, applied to the index and found.

    .venv/bin/python scripts/bench/search.py --jobs 10000
    .venv/bin/python scripts/bench/search.py --jobs 10000 --data /tmp/bench-10k  # reuse data

Prints a table, then one JSON object as the last line. Not a test: no assertions (beyond
checking that published, edited and closed jobs are found or gone).
"""

import argparse
import json
import multiprocessing
import os
import random
import re
import resource
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

AGENCIES = 400
QUERIES = [
    "youth worker",
    "ECE",
    "counsellor",
    "community support worker",
    "social worker",
    "behaviour interventionist",
    "health care assistant",
    "child care",
    "outreach",
    "mental health",
    "family support",
    "program manager",
    "settlement",
    "shelter",
    "autism",
    "harm reduction",
    "home support",
    "indigenous",
    "residential",
    "overnight",
]
ROUNDS = 200
RUN = int(time.time()) % 100_000  # in the unique titles, so a reused --data works


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


COLD_QUERIES = 500
TYPES = ["full_time", "part_time", "casual", "temporary"]
CREDENTIALS = [
    "ECE",
    "ECE certificate",
    "ECE assistant",
    "infant toddler educator",
    "special needs educator",
    "BSW",
    "MSW",
    "RSW",
    "RCC",
    "registered social worker",
    "registered clinical counsellor",
    "community support worker certificate",
    "child and youth care diploma",
    "social service worker diploma",
    "health care assistant certificate",
    "first aid",
    "CPR",
    "foodsafe",
    "WHMIS",
    "class 4 licence",
    "class 5",
    "drivers licence",
    "criminal record check",
    "nonviolent crisis intervention",
    "mandt",
    "medication administration",
    "naloxone",
    "mental health first aid",
    "ASIST",
    "trauma informed",
    "cultural safety",
    "LPN",
    "RN",
    "RPN",
]
OTHER_WORDS = [
    "part time",
    "casual",
    "relief",
    "overnight",
    "weekends",
    "evenings",
    "full time",
    "union",
    "remote",
    "bilingual",
    "french",
    "punjabi",
    "harm reduction",
    "addictions",
    "trauma",
    "autism",
    "newcomers",
    "refugees",
    "seniors",
    "day program",
    "respite",
    "group home",
    "supported living",
    "housing first",
    "transition house",
    "youth at risk",
    "foster care",
    "indigenous",
    "reconciliation",
    "wellness",
]


def _words(text):
    return [w for w in re.split(r"[\s/()]+", text) if re.search(r"[A-Za-z0-9]", w)]


def _misspell(rng, word):
    """One typing slip: a letter dropped, doubled, swapped with the next or replaced."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def cold_queries(seed, regions, n=COLD_QUERIES):
    """``n`` distinct searches, each (q, [(arg, value), ...]), from the sector's words:
    job titles, parts of titles, titles with a place, credentials, places, other posting
    words, and misspelled titles; 1-4 words; about half with filters."""
    import csv

    from portal.demo.jobs import ROLES

    data = os.path.join(os.path.dirname(__file__), "..", "..", "portal", "reference", "data")
    with open(os.path.join(data, "communities.csv"), encoding="utf-8") as handle:
        communities = [row["name"] for row in csv.DictReader(handle)]
    with open(os.path.join(data, "regions.csv"), encoding="utf-8") as handle:
        places = communities + [row["name"].split("/")[0] for row in csv.DictReader(handle)]
    places = [p for p in places if len(_words(p)) <= 2]
    with open(os.path.join(data, "occupations.csv"), encoding="utf-8") as handle:
        keywords = [w for row in csv.DictReader(handle) for w in row["keywords"].split()]
    titles = sorted(
        {
            title
            for role in ROLES.values()
            for title in [*role["titles"], *(t for ts in role["sub_titles"].values() for t in ts)]
        }
    )
    rng = random.Random(seed)

    def span(words, most):
        size = rng.randint(1, min(most, len(words)))
        at = rng.randrange(len(words) - size + 1)
        return words[at : at + size]

    def title_words(most=4):
        return span(_words(rng.choice(titles)), most)

    kinds = [
        (25, lambda: title_words()),
        (15, lambda: title_words(2)),
        (15, lambda: title_words(2) + _words(rng.choice(places))),
        (12, lambda: _words(rng.choice(CREDENTIALS))),
        (10, lambda: _words(rng.choice(places))),
        (8, lambda: _words(rng.choice(OTHER_WORDS)) + span(keywords, 1)),
        (15, lambda: [_misspell(rng, w) for w in title_words(3)]),
    ]
    weights = [w for w, _ in kinds]
    found, seen = [], set()
    while len(found) < n:
        words = rng.choices(kinds, weights)[0][1]()[:4]
        q = " ".join(words)
        if q.lower() in seen:
            continue
        seen.add(q.lower())
        filters = []
        if rng.random() < 0.5:
            if rng.random() < 0.6:
                filters.append(("region", str(rng.choice(regions))))
            if rng.random() < 0.4:
                filters.append(("type", rng.choice(TYPES)))
            if rng.random() < 0.15:
                filters.append(("pay", str(rng.choice([25, 30, 35]))))
            if rng.random() < 0.15:
                filters.append(("posted", str(rng.choice([7, 14, 30]))))
        found.append((q, filters))
    return found


def make_app(tmp, db_url=None):
    from portal import create_app

    return create_app(
        "testing",
        {
            "DATABASE_URL": db_url or f"sqlite:///{tmp}/bench.db",
            "SEARCH_INDEX_DIR": os.path.join(tmp, "search"),
            "SERVER_NAME": "localhost",
        },
    )


def load(app, n, seed):
    """Agencies and their owners, then n jobs through the job services."""
    from portal.demo.services import create_generated_jobs
    from portal.extensions import db
    from portal.models import Agency, Community, Membership, Subsector, User
    from portal.reference.services import load_reference

    db.create_all()
    load_reference()
    rng = random.Random(seed)
    communities = db.session.query(Community).all()
    subsectors = db.session.query(Subsector).all()
    agencies = []
    for i in range(AGENCIES):
        owner = User(
            email=f"owner{i}@bench.example.org", name=f"Owner {i}", role="agency", password_hash="x"
        )
        community = rng.choice(communities)
        agency = Agency(
            legal_name=f"Bench Agency {i} Society",
            slug=f"bench-{i}",
            name=f"{community.name} {rng.choice(['Family', 'Community', 'Youth'])} Services {i}",
            region_id=community.region_id,
            community_id=community.id,
            subsector_id=rng.choice(subsectors).id,
            status="approved",
        )
        db.session.add_all([owner, agency, Membership(user=owner, agency=agency, role="owner")])
        agencies.append(agency)
    db.session.commit()
    start = time.perf_counter()
    create_generated_jobs(rng, n, agencies, commit_every=1000)
    return time.perf_counter() - start


def build_fts5(app, path):
    """The same published jobs in an SQLite FTS5 table plus a table of filter columns."""
    from portal.extensions import db
    from portal.search.documents import document, plain_text, searchable_query

    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE VIRTUAL TABLE jobs_fts USING fts5(title, description, agency, "
        "occupation, community, tokenize='porter')"
    )
    conn.execute(
        "CREATE TABLE meta (id INTEGER PRIMARY KEY, region INT, community INT, "
        "occupation INT, type TEXT, pay INT, published INT)"
    )
    from portal.search.documents import Facets

    for job in db.session.scalars(searchable_query().execution_options(yield_per=1000)):
        f = Facets.unpack(document(job)["facets"])
        conn.execute(
            "INSERT INTO jobs_fts(rowid, title, description, agency, occupation, "
            "community) VALUES (?,?,?,?,?,?)",
            (
                job.id,
                job.title,
                plain_text(job.description),
                job.agency.name,
                f"{job.occupation.title} {job.occupation.keywords}",
                f"{job.community.name} {job.region.name}",
            ),
        )
        conn.execute(
            "INSERT INTO meta VALUES (?,?,?,?,?,?,?)",
            (
                job.id,
                f.region_id,
                f.community_id,
                f.occupation_id,
                f.employment_type,
                f.pay_hourly_cents,
                f.published_ts,
            ),
        )
    conn.commit()
    return conn


def fts5_query(conn, words, region, etype):
    match = " AND ".join(f'"{w}"' for w in words.split())
    base = "SELECT m.* FROM jobs_fts JOIN meta m ON m.id = jobs_fts.rowid WHERE jobs_fts MATCH ?"
    filters = {"region": ("m.region = ?", region), "type": ("m.type = ?", etype)}
    for facet in ("region", "type", "occupation", "community"):
        where = [sql for name, (sql, _) in filters.items() if name != facet]
        params = [v for name, (_, v) in filters.items() if name != facet]
        sql = (
            f"SELECT m.{facet}, count(*) FROM ({base}{''.join(' AND ' + w for w in where)})"
            f" m GROUP BY m.{facet}"
        )
        conn.execute(
            sql.replace("SELECT m.* FROM", "SELECT m.* FROM", 1), [match, *params]
        ).fetchall()
    top = conn.execute(
        "SELECT jobs_fts.rowid, snippet(jobs_fts, 1, '<mark>', '</mark>', '…', 24), "
        "bm25(jobs_fts, 4.0, 1.0, 1.5, 2.0, 1.5) AS score FROM jobs_fts "
        "JOIN meta m ON m.id = jobs_fts.rowid WHERE jobs_fts MATCH ? AND m.region = ? "
        "AND m.type = ? ORDER BY score LIMIT 20",
        (match, region, etype),
    ).fetchall()
    total = conn.execute(
        f"SELECT count(*) FROM ({base} AND m.region = ? AND m.type = ?)", (match, region, etype)
    ).fetchone()
    return top, total


def fts5_match(q):
    """The words of a query, each a quoted FTS5 string, all required."""
    return " AND ".join('"' + w + '"' for w in re.findall(r"[A-Za-z0-9]+", q))


def fts5_search(conn, q, filters):
    """One search on FTS5 as the portal's does it: facet counts (each without its own
    filter), the top 20 by bm25 with a snippet, the total."""
    match = fts5_match(q)
    if not match:
        return 0
    conds = {}
    for name, value in filters:
        if name == "region":
            conds[name] = ("m.region = ?", int(value))
        elif name == "type":
            conds[name] = ("m.type = ?", value)
        elif name == "pay":
            conds[name] = ("m.pay >= ?", int(value) * 100)
        elif name == "posted":
            conds[name] = ("m.published >= ?", int(time.time()) - int(value) * 86400)
    base = "SELECT m.* FROM jobs_fts JOIN meta m ON m.id = jobs_fts.rowid WHERE jobs_fts MATCH ?"
    for facet in ("region", "type", "occupation", "community"):
        others = [c for name, c in conds.items() if name != facet]
        where = "".join(f" AND {sql}" for sql, _ in others)
        conn.execute(
            f"SELECT m.{facet}, count(*) FROM ({base}{where}) m GROUP BY m.{facet}",
            [match, *(v for _, v in others)],
        ).fetchall()
    where = "".join(f" AND {sql}" for sql, _ in conds.values())
    params = [match, *(v for _, v in conds.values())]
    conn.execute(
        "SELECT jobs_fts.rowid, snippet(jobs_fts, 1, '<mark>', '</mark>', '…', 24), "
        "bm25(jobs_fts, 4.0, 1.0, 1.5, 2.0, 1.5) AS score FROM jobs_fts "
        f"JOIN meta m ON m.id = jobs_fts.rowid WHERE jobs_fts MATCH ?{where} "
        "ORDER BY score LIMIT 20",
        params,
    ).fetchall()
    return conn.execute(f"SELECT count(*) FROM ({base}{where})", params).fetchone()[0]


class Profile:
    """cProfile around a phase when --profile asks for it; prints the top functions."""

    def __init__(self, name, wanted):
        self.name, self.profiler = name, None
        if name in wanted:
            import cProfile

            self.profiler = cProfile.Profile()

    def __enter__(self):
        if self.profiler:
            self.profiler.enable()
        return self

    def __exit__(self, *exc):
        if self.profiler:
            import io
            import pstats

            self.profiler.disable()
            out = io.StringIO()
            pstats.Stats(self.profiler, stream=out).sort_stats("cumulative").print_stats(35)
            print(f"--- profile: {self.name}\n{out.getvalue()}", file=sys.stderr)


def query_worker(tmp, out, cold, profile):
    """A fresh process, as a web worker: open the index, run the query mix, report."""
    from werkzeug.datastructures import MultiDict

    from portal.jobs.listing import snippet_source
    from portal.search import SearchParams, search
    from portal.search.index import pool

    app = make_app(tmp)
    rng = random.Random(7)
    with app.app_context():
        from portal.extensions import db
        from portal.models import Region

        regions = [r.id for r in db.session.query(Region).all()]
        t0 = time.perf_counter()
        search(SearchParams(q="worker"))  # open the searcher and load the facet columns
        first_ms = (time.perf_counter() - t0) * 1000
        plain, filtered = [], []
        with Profile("plain", profile):
            for i in range(ROUNDS):
                q = QUERIES[i % len(QUERIES)]
                t0 = time.perf_counter()
                search(SearchParams(q=q), snippet_source=snippet_source)
                plain.append((time.perf_counter() - t0) * 1000)
                params = SearchParams.from_args(
                    MultiDict(
                        [
                            ("q", q),
                            ("region", str(rng.choice(regions))),
                            ("type", rng.choice(TYPES)),
                        ]
                    )
                )
                t0 = time.perf_counter()
                search(params, snippet_source=snippet_source)
                filtered.append((time.perf_counter() - t0) * 1000)
        client = app.test_client()
        pages = []
        for i in range(ROUNDS // 2):
            q = QUERIES[i % len(QUERIES)].replace(" ", "+")
            url = f"/jobs?q={q}&region={rng.choice(regions)}&type={rng.choice(TYPES)}"
            t0 = time.perf_counter()
            response = client.get(url)
            pages.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        api_plain, api_filtered, api_next = [], [], []
        for i in range(ROUNDS // 2):
            q = QUERIES[i % len(QUERIES)].replace(" ", "+")
            t0 = time.perf_counter()
            response = client.get(f"/api/v1/jobs?q={q}")
            api_plain.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
            url = f"/api/v1/jobs?q={q}&region={rng.choice(regions)}&type={rng.choice(TYPES)}"
            t0 = time.perf_counter()
            response = client.get(url)
            api_filtered.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
            cursor = response.get_json()["next_cursor"]
            if cursor:
                t0 = time.perf_counter()
                response = client.get(f"{url}&cursor={cursor}")
                api_next.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
        # each distinct query once, on a fresh searcher with nothing cached but the
        # facet columns: the first query after an index change that nobody typed before
        cold_ms, opened_ms, zero, corrected = [], [], 0, 0
        with Profile("cold", profile):
            for q, filters in cold:
                t0 = time.perf_counter()
                pool().cold_start()
                opened_ms.append((time.perf_counter() - t0) * 1000)
                params = SearchParams.from_args(MultiDict([("q", q), *filters]))
                t0 = time.perf_counter()
                result = search(params, snippet_source=snippet_source)
                cold_ms.append((time.perf_counter() - t0) * 1000)
                zero += result.total == 0
                corrected += result.corrected_from is not None
    out.put(
        {
            "first_ms": first_ms,
            "plain": plain,
            "filtered": filtered,
            "pages": pages,
            "api_plain": api_plain,
            "api_filtered": api_filtered,
            "api_next": api_next or [0.0],
            "cold": cold_ms,
            "cold_opened": opened_ms,
            "cold_zero": zero,
            "cold_corrected": corrected,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def publish_latency(app, samples=60):
    """A new job published through the services, committed, applied, found: ms per phase."""
    from portal.demo.services import create_generated_jobs
    from portal.extensions import db
    from portal.models import Agency, Job
    from portal.search import SearchParams, enqueue, search, sync_after_commit

    agencies = db.session.query(Agency).limit(5).all()
    search(SearchParams(q="worker"))  # a web worker has its searcher open already
    phases = {"total": [], "commit": [], "sync": [], "search": []}
    for i in range(samples):
        t0 = time.perf_counter()
        create_generated_jobs(random.Random(10_000 + i), 1, agencies)
        job = db.session.query(Job).order_by(Job.id.desc()).first()
        job.title = f"Zebrafinch{RUN}x{i} coordinator"
        enqueue([job.id])
        db.session.commit()
        t1 = time.perf_counter()
        sync_after_commit()
        t2 = time.perf_counter()
        found = search(SearchParams(q=f"Zebrafinch{RUN}x{i}")).total
        t3 = time.perf_counter()
        for name, ms in zip(phases, (t3 - t0, t1 - t0, t2 - t1, t3 - t2), strict=True):
            phases[name].append(ms * 1000)
        assert found == 1, f"published job {job.id} not searchable"
    return phases


def update_latency(app, samples=60):
    """An old job (in the big segment) edited and another one closed in one commit, then
    the edit found once and the closed job gone: deletions across many commits."""
    from portal.extensions import db
    from portal.models import Job
    from portal.search import SearchParams, enqueue, search, sync_after_commit

    jobs = (
        db.session.query(Job)
        .filter(Job.status == "published")
        .order_by(Job.id)
        .limit(samples + 1)
        .all()
    )
    times = []
    for i in range(1, samples + 1):
        t0 = time.perf_counter()
        jobs[i].title = f"Quokka{RUN}x{i} coordinator"
        jobs[i - 1].status = "closed"
        enqueue([jobs[i].id, jobs[i - 1].id])
        db.session.commit()
        sync_after_commit()
        result = search(SearchParams(q=f"Quokka{RUN}x{i}"))
        times.append((time.perf_counter() - t0) * 1000)
        assert result.total == 1 and result.hits[0].job_id == jobs[i].id, f"edit {i} not found"
        assert search(SearchParams(q=f"Quokka{RUN}x{i - 1}")).total == 0, (
            f"closed job {i - 1} found"
        )
    return times


def matching_caught_up():
    """As if the worker had kept up with matching: the benchmark loads its jobs at once,
    and recomputing their matches is the worker's job, not the publishing request's (its
    hook would otherwise work through that backlog ten jobs per commit)."""
    from portal.extensions import db
    from portal.matching import sync as matching_sync
    from portal.models import SearchNode, SearchOutbox

    ids = list(db.session.scalars(db.select(SearchOutbox.id)))
    node = db.session.get(SearchNode, matching_sync.NODE)
    if node is None:
        node = SearchNode(name=matching_sync.NODE, high_water=0)
        db.session.add(node)
    node.high_water = max(ids, default=0)
    db.session.commit()
    matching_sync._done.update(ids)


def load_or_reuse(app, args, tmp):
    """Load the jobs, or reuse the database of an earlier run with the same --data."""
    from portal.extensions import db
    from portal.models import Job

    if args.data and os.path.exists(os.path.join(tmp, "bench.db")):
        count = db.session.query(Job).count()
        print(f"reusing {count} jobs in {tmp}", file=sys.stderr)
        return None
    return load(app, args.jobs, args.seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--cold", type=int, default=COLD_QUERIES, help="distinct cold queries")
    parser.add_argument(
        "--data", help="keep the generated database in DIR and reuse it on the next run"
    )
    parser.add_argument(
        "--keep-index", action="store_true", help="with --data: reuse the index too"
    )
    parser.add_argument(
        "--profile", default="", help="phases to profile (comma-separated): plain, cold, publish"
    )
    args = parser.parse_args()
    profile = set(filter(None, args.profile.split(",")))
    tmp = args.data or tempfile.mkdtemp(prefix="portal-bench-")
    os.makedirs(tmp, exist_ok=True)
    app = make_app(tmp)
    with app.app_context():
        from portal.extensions import db
        from portal.models import Job, Region
        from portal.search import index
        from portal.search.cli import rebuild

        load_s = load_or_reuse(app, args, tmp)
        if load_s is not None:
            print(
                f"loaded {args.jobs} jobs through the services in {load_s:.1f} s", file=sys.stderr
            )
        jobs = db.session.query(Job).filter(Job.status == "published").count()
        build_s = None
        if not (args.data and args.keep_index and index.current_dir(create=False)):
            t0 = time.perf_counter()
            rebuild(progress=False)
            build_s = time.perf_counter() - t0
            print(f"index built in {build_s:.1f} s", file=sys.stderr)
        fts5_path = os.path.join(tmp, "fts5.db")
        if load_s is not None or not os.path.exists(fts5_path):
            if os.path.exists(fts5_path):
                os.remove(fts5_path)
            conn = build_fts5(app, fts5_path)
        else:
            conn = sqlite3.connect(fts5_path)
        regions = [r.id for r in db.session.query(Region).all()]
    cold = cold_queries(args.seed, regions, args.cold)

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    worker = ctx.Process(target=query_worker, args=(tmp, queue, cold, profile))
    worker.start()
    figures = queue.get()
    worker.join()

    rng = random.Random(7)
    fts = []
    for i in range(ROUNDS):
        t0 = time.perf_counter()
        fts5_query(conn, QUERIES[i % len(QUERIES)], rng.choice(regions), rng.choice(TYPES))
        fts.append((time.perf_counter() - t0) * 1000)
    fts_cold = []
    for q, filters in cold:
        t0 = time.perf_counter()
        fts5_search(conn, q, filters)
        fts_cold.append((time.perf_counter() - t0) * 1000)

    with app.app_context():
        matching_caught_up()
        with Profile("publish", profile):
            publish = publish_latency(app)
            update = update_latency(app)

    result = {
        "jobs": jobs,
        "load_through_services_s": None if load_s is None else round(load_s, 1),
        "index_build_s": None if build_s is None else round(build_s, 2),
        "first_search_ms": round(figures["first_ms"], 1),
        "plain_p50_ms": round(pct(figures["plain"], 50), 1),
        "plain_p95_ms": round(pct(figures["plain"], 95), 1),
        "filtered_faceted_p50_ms": round(pct(figures["filtered"], 50), 1),
        "filtered_faceted_p95_ms": round(pct(figures["filtered"], 95), 1),
        "cold_queries": len(cold),
        "cold_zero_hits": figures["cold_zero"],
        "cold_corrected": figures["cold_corrected"],
        "cold_p50_ms": round(pct(figures["cold"], 50), 1),
        "cold_p95_ms": round(pct(figures["cold"], 95), 1),
        "cold_max_ms": round(max(figures["cold"]), 1),
        "fresh_searcher_p50_ms": round(pct(figures["cold_opened"], 50), 1),
        "publish_to_searchable_p50_ms": round(pct(publish["total"], 50), 1),
        "publish_to_searchable_ms": round(pct(publish["total"], 95), 1),
        "publish_commit_p95_ms": round(pct(publish["commit"], 95), 1),
        "publish_sync_p95_ms": round(pct(publish["sync"], 95), 1),
        "publish_search_p95_ms": round(pct(publish["search"], 95), 1),
        "update_to_searchable_p50_ms": round(pct(update, 50), 1),
        "update_to_searchable_p95_ms": round(pct(update, 95), 1),
        "search_page_p95_ms": round(pct(figures["pages"], 95), 1),
        "api_search_p50_ms": round(pct(figures["api_filtered"], 50), 1),
        "api_search_p95_ms": round(pct(figures["api_filtered"], 95), 1),
        "api_plain_p95_ms": round(pct(figures["api_plain"], 95), 1),
        "api_next_page_p95_ms": round(pct(figures["api_next"], 95), 1),
        "fts5_filtered_faceted_p95_ms": round(pct(fts, 95), 1),
        "fts5_cold_p50_ms": round(pct(fts_cold, 50), 1),
        "fts5_cold_p95_ms": round(pct(fts_cold, 95), 1),
        "cold_vs_fts5": round(pct(figures["cold"], 95) / max(0.1, pct(fts_cold, 95)), 2),
        "rss_mb": round(figures["rss_mb"], 1),
    }
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
