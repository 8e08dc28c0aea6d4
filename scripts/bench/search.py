"""Search benchmark: N synthetic sector jobs loaded through the portal's services, the
Whoosh index built by `flask search reindex`'s code, a fixed query mix through the
portal's search code, the /jobs page and the API's search (/api/v1/jobs: the same filters,
facets, JSON, and the next page by its cursor), and SQLite FTS5 on the same data as a
baseline.

    .venv/bin/python scripts/bench/search.py --jobs 10000

Prints a table, then one JSON object as the last line. Not a test: no assertions.
"""

import argparse
import json
import multiprocessing
import os
import random
import resource
import sqlite3
import statistics
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


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


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


def query_worker(tmp, out):
    """A fresh process, as a web worker: open the index, run the query mix, report."""
    from werkzeug.datastructures import MultiDict

    from portal.jobs.listing import snippet_source
    from portal.search import SearchParams, search

    app = make_app(tmp)
    rng = random.Random(7)
    with app.app_context():
        from portal.extensions import db
        from portal.models import Region

        regions = [r.id for r in db.session.query(Region).all()]
        types = ["full_time", "part_time", "casual", "temporary"]
        search(SearchParams(q="worker"))  # open the searcher and load the facet columns
        plain, filtered = [], []
        for i in range(ROUNDS):
            q = QUERIES[i % len(QUERIES)]
            t0 = time.perf_counter()
            search(SearchParams(q=q), snippet_source=snippet_source)
            plain.append((time.perf_counter() - t0) * 1000)
            params = SearchParams.from_args(
                MultiDict(
                    [("q", q), ("region", str(rng.choice(regions))), ("type", rng.choice(types))]
                )
            )
            t0 = time.perf_counter()
            search(params, snippet_source=snippet_source)
            filtered.append((time.perf_counter() - t0) * 1000)
        client = app.test_client()
        pages = []
        for i in range(ROUNDS // 2):
            q = QUERIES[i % len(QUERIES)].replace(" ", "+")
            url = f"/jobs?q={q}&region={rng.choice(regions)}&type={rng.choice(types)}"
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
            url = f"/api/v1/jobs?q={q}&region={rng.choice(regions)}&type={rng.choice(types)}"
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
    out.put(
        {
            "plain": plain,
            "filtered": filtered,
            "pages": pages,
            "api_plain": api_plain,
            "api_filtered": api_filtered,
            "api_next": api_next or [0.0],
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def publish_latency(app, samples=40):
    from portal.demo.services import create_generated_jobs
    from portal.extensions import db
    from portal.models import Agency, Job
    from portal.search import SearchParams, search, sync_after_commit

    agencies = db.session.query(Agency).limit(5).all()
    times = []
    for i in range(samples):
        t0 = time.perf_counter()
        create_generated_jobs(random.Random(10_000 + i), 1, agencies)
        job = db.session.query(Job).order_by(Job.id.desc()).first()
        job.title = f"Zebrafinch{i} coordinator"
        from portal.search import enqueue

        enqueue([job.id])
        db.session.commit()
        sync_after_commit()
        found = search(SearchParams(q=f"Zebrafinch{i}")).total
        times.append((time.perf_counter() - t0) * 1000)
        assert found == 1, f"published job {job.id} not searchable"
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="portal-bench-")
    app = make_app(tmp)
    with app.app_context():
        load_s = load(app, args.jobs, args.seed)
        print(f"loaded {args.jobs} jobs through the services in {load_s:.1f} s", file=sys.stderr)
        from portal.search.cli import rebuild

        t0 = time.perf_counter()
        rebuild(progress=False)
        build_s = time.perf_counter() - t0
        print(f"index built in {build_s:.1f} s", file=sys.stderr)
        conn = build_fts5(app, os.path.join(tmp, "fts5.db"))
        from portal.models import Region

        regions = [r.id for r in app.extensions["sqlalchemy"].session.query(Region).all()]

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    worker = ctx.Process(target=query_worker, args=(tmp, queue))
    worker.start()
    figures = queue.get()
    worker.join()

    rng = random.Random(7)
    fts = []
    for i in range(ROUNDS):
        t0 = time.perf_counter()
        fts5_query(
            conn,
            QUERIES[i % len(QUERIES)],
            rng.choice(regions),
            rng.choice(["full_time", "part_time", "casual", "temporary"]),
        )
        fts.append((time.perf_counter() - t0) * 1000)

    with app.app_context():
        publish = publish_latency(app)

    result = {
        "jobs": args.jobs,
        "load_through_services_s": round(load_s, 1),
        "index_build_s": round(build_s, 2),
        "plain_p50_ms": round(pct(figures["plain"], 50), 1),
        "plain_p95_ms": round(pct(figures["plain"], 95), 1),
        "filtered_faceted_p50_ms": round(pct(figures["filtered"], 50), 1),
        "filtered_faceted_p95_ms": round(pct(figures["filtered"], 95), 1),
        "publish_to_searchable_ms": round(pct(publish, 95), 1),
        "publish_to_searchable_p50_ms": round(statistics.median(publish), 1),
        "search_page_p95_ms": round(pct(figures["pages"], 95), 1),
        "api_search_p50_ms": round(pct(figures["api_filtered"], 50), 1),
        "api_search_p95_ms": round(pct(figures["api_filtered"], 95), 1),
        "api_plain_p95_ms": round(pct(figures["api_plain"], 95), 1),
        "api_next_page_p95_ms": round(pct(figures["api_next"], 95), 1),
        "fts5_filtered_faceted_p95_ms": round(pct(fts, 95), 1),
        "worker_rss_mb": round(figures["rss_mb"], 1),
    }
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
