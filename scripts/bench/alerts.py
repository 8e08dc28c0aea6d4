"""Job alerts benchmark: a seeded synthetic sector (published jobs and seekers bulk-inserted
by ``matching.py``'s generator, the search index built by `flask search reindex`'s code),
confirmed alerts with a realistic mix of saved searches, every alert's last run just before
the newest jobs were published and every alert due; then ONE alert run as `flask alerts run`
does it (``portal.alerts.runner.run``), timed in a fresh process, with its peak RSS.

- jobs: N published jobs; the last ``--new`` of them were published after every alert's last
  run (and its look-back window), the others long before;
- alerts: searches saved as ``/jobs`` query strings (``portal.alerts.describe.canonical``):
  keywords, region and occupation, type and pay, hours, pooled, employers and combinations,
  many shared by several people (``--queries`` distinct ones, popularity skewed), some to
  seekers' accounts and some to bare addresses, a few bounced or closed, and a few hundred
  "jobs that match my profile" alerts over stored match scores;
- history: each alert's earlier digests (sent) and the older jobs they listed, so the
  outbox and ``alert_sent`` are not empty when analysed, as in production (see ``history``).

    .venv/bin/python scripts/bench/alerts.py --quick     # 10,000 jobs, 1,000 alerts, 50 new
    .venv/bin/python scripts/bench/alerts.py             # 100,000 jobs, 10,000 alerts, 500 new
    .venv/bin/python scripts/bench/alerts.py --database-url postgresql+psycopg://...

With --database-url (a PostgreSQL server, through any database on it) the benchmark
creates its own database there and drops it at the end. Prints progress, then one JSON
object as the last line. Not a test: no assertions.
"""

import argparse
import json
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from matching import OCCUPATION_WEIGHTS, _bulk, analyze, generate, make_app  # noqa: E402
from search import QUERIES  # noqa: E402

# more of what people type into /jobs (search.py's QUERIES first)
KEYWORDS = QUERIES + [
    "early childhood educator",
    "support worker",
    "youth",
    "counselling",
    "trauma",
    "newcomer",
    "life skills",
    "recreation",
    "cook",
    "nurse",
    "addictions",
    "group home",
    "family",
    "care aide",
]
FREQUENCIES = {"instant": 10, "daily": 60, "weekly": 30}
# kinds of saved search: (weight, which parts)
SEARCH_KINDS = [
    (25, ("q",)),
    (14, ("q", "region")),
    (4, ("q", "community")),
    (18, ("region", "occupation")),
    (5, ("occupation",)),
    (8, ("type", "pay")),
    (4, ("region", "type", "pay")),
    (6, ("region", "hours")),
    (2, ("occupation", "hours")),
    (2, ("region", "pooled")),
    (3, ("occupation", "range")),
    (3, ("agency",)),
    (6, ("q", "region", "type", "pay")),
]
ACCOUNT_SHARE = 0.6  # alerts kept by a seeker's account (the rest: a bare address)
BOUNCED_SHARE = 0.01  # addresses that bounced: their alerts are skipped
INACTIVE_SHARE = 0.005  # closed accounts: skipped too


def rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not ``ru_maxrss``: a process
    started by fork and exec (multiprocessing's spawn) inherits its parent's ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_searches(rng, n, refs) -> list[str]:
    """``n`` distinct canonical query strings, simplest (most popular) first."""
    from portal.alerts.describe import canonical
    from portal.search import HOURS_BUCKETS, PAY_STEPS, SearchParams

    weights = [w for w, _ in SEARCH_KINDS]
    nocs = sorted(refs["occupations"])
    noc_weights = [OCCUPATION_WEIGHTS.get(code, 1) for code in nocs]
    found: dict[str, int] = {}
    for _ in range(n * 1000):
        if len(found) >= n:
            break
        parts = rng.choices([p for _, p in SEARCH_KINDS], weights)[0]
        p = SearchParams()
        if "q" in parts:
            p.q = rng.choice(KEYWORDS)
        if "region" in parts:
            p.region = rng.sample(refs["regions"], rng.choice((1, 1, 1, 2)))
        if "community" in parts:
            p.community = [rng.choice(refs["communities"])]
        if "occupation" in parts:
            p.occupation = sorted(
                {refs["occupations"][rng.choices(nocs, noc_weights)[0]] for _ in range(2)}
            )[: rng.choice((1, 1, 2))]
        if "type" in parts:
            p.type = sorted(rng.sample(["full_time", "part_time", "casual", "temporary"], 1))
        if "pay" in parts:
            p.pay = rng.choice(PAY_STEPS[:4])
        if "hours" in parts:
            p.hours = sorted(rng.sample(sorted(HOURS_BUCKETS), rng.choice((1, 1, 2))))
        if "range" in parts:
            p.hours_min = rng.choice((15, 20, 25, 30))
            p.hours_max = p.hours_min + rng.choice((10, 15))
        if "pooled" in parts:
            p.pooled = True
        if "agency" in parts:
            p.agency = [rng.choice(refs["agencies"])]
        query = canonical(p)
        found.setdefault(query, len(parts))
    return sorted(found, key=lambda q: (found[q], rng.random()))


def load_alerts(rng, args, now, last_run, refs, seekers) -> dict:
    """The alerts (bulk-inserted, confirmed, last run at ``last_run`` give or take half
    an hour, all due), the bounced addresses and the closed accounts."""
    from sqlalchemy import update

    from portal.extensions import db
    from portal.models import AlertDelivery, MailBounce, OutboxMessage, SavedSearch, User

    queries = make_searches(rng, args.queries, refs)
    popularity = [1 / (rank + 1) ** 0.9 for rank in range(len(queries))]
    matches_n = min(args.matches, len(seekers))
    search_n = args.alerts - matches_n
    # every distinct search kept by someone, then the rest by popularity
    extra = max(0, search_n - len(queries))
    chosen = queries[:search_n] + rng.choices(queries, popularity, k=extra)
    addresses = [f"reader{k}@bench.example.org" for k in range(max(1, search_n // 3))]
    owners: set = set()
    rows = []
    frequencies, weights = list(FREQUENCIES), list(FREQUENCIES.values())

    def add(user, email, kind="search", query="", min_stars=None):
        ran = last_run - timedelta(seconds=rng.randint(0, 1800))
        confirmed = ran - timedelta(days=rng.randint(2, 90), seconds=rng.randint(0, 86399))
        rows.append(
            {"user_id": user, "email": email, "kind": kind, "query": query,
             "min_stars": min_stars, "frequency": rng.choices(frequencies, weights)[0],
             "nonce": f"{rng.getrandbits(128):032x}", "confirmed_at": confirmed,
             "created_at": confirmed - timedelta(minutes=10), "last_run_at": ran,
             "next_run_at": now - timedelta(seconds=rng.randint(1, 600))}
        )  # fmt: skip

    for query in chosen:
        for _ in range(20):  # one person saves a search once
            if rng.random() < ACCOUNT_SHARE:
                user, email = rng.choice(seekers)
            else:
                user, email = None, rng.choice(addresses)
            if (user, email, query) not in owners:
                break
        owners.add((user, email, query))
        add(user, email, query=query)
    for user, email in rng.sample(seekers, matches_n):
        add(user, email, kind="matches", min_stars=rng.choice((3, 4, 4, 5)))
    rng.shuffle(rows)
    for number, row in enumerate(rows, 1):
        row["id"] = number
    digests, deliveries = history(rng, rows, args.jobs - args.new)
    _bulk(SavedSearch, rows)
    _bulk(OutboxMessage, digests)
    _bulk(AlertDelivery, deliveries)
    move_sequences(SavedSearch, OutboxMessage)
    used = sorted({r["email"] for r in rows})
    bounced = rng.sample(used, int(len(used) * BOUNCED_SHARE))
    _bulk(MailBounce, [{"email": e, "reason": "bounced", "created_at": now} for e in bounced])
    closed = [u for u, _ in rng.sample(seekers, int(len(seekers) * INACTIVE_SHARE))]
    db.session.execute(update(User).where(User.id.in_(closed)).values(active=False))
    db.session.commit()
    return {
        "distinct_queries": len(set(chosen)),
        "search_alerts": search_n,
        "matches_alerts": matches_n,
        "bounced_addresses": len(bounced),
        "closed_accounts": len(closed),
        "earlier_digests": len(digests),
        "earlier_deliveries": len(deliveries),
    }


def history(rng, alerts, old_n) -> tuple[list, list]:
    """What earlier runs left: a few sent digests per alert in the outbox and the jobs
    they listed in ``alert_sent`` (older jobs), with the alerts' counters to match. A
    steady state, not empty tables: PostgreSQL plans the foreign-key check of each new
    ``alert_sent`` row against ``mail_outbox`` from the table's statistics, and an outbox
    analysed empty gets a sequential scan that grows with every digest of the run."""
    from datetime import timedelta

    digests, deliveries = [], []
    for alert in alerts:
        sizes = [rng.randint(1, 8) for _ in range(rng.choices((0, 1, 2, 3), (30, 30, 25, 15))[0])]
        sent_jobs = rng.sample(range(1, old_n + 1), sum(sizes))  # never a job twice
        alert["digests_sent"], alert["jobs_sent"] = len(sizes), len(sent_jobs)
        for k, size in enumerate(sizes):
            sent = alert["last_run_at"] - timedelta(days=k + 2)
            jobs, sent_jobs = sent_jobs[:size], sent_jobs[size:]
            digests.append(
                {"id": len(digests) + 1, "recipient": alert["email"], "alert_id": alert["id"],
                 "subject": f"{len(jobs)} new jobs: an earlier digest", "body_text": "(earlier)",
                 "created_at": sent, "sent_at": sent, "attempts": 1}
            )  # fmt: skip
            deliveries.extend(
                {"alert_id": alert["id"], "job_id": job, "message_id": len(digests),
                 "sent_at": sent}
                for job in jobs
            )  # fmt: skip
    return digests, deliveries


def move_sequences(*models) -> None:
    """PostgreSQL: rows were inserted with explicit ids, so move the id sequences on."""
    from sqlalchemy import text

    from portal.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )


def build(args) -> tuple[dict, dict]:
    """The sector, the index, the match scores of the "matches" alerts' seekers, the
    alerts. Returns (figures, timings)."""
    from sqlalchemy import bindparam, select

    from portal.alerts.runner import LOOKBACK
    from portal.extensions import db
    from portal.matching import engine
    from portal.models import Agency, Community, Job, Occupation, Region, SeekerProfile, User
    from portal.models.types import utcnow
    from portal.search.cli import rebuild

    timings = {}
    t0 = time.perf_counter()
    generate(args.seekers, args.jobs, args.seed)
    timings["generate_s"] = time.perf_counter() - t0
    log(f"generated {args.jobs} jobs and {args.seekers} seekers in {timings['generate_s']:.1f} s")

    # the timeline (whole seconds, as the index keeps): the alerts last ran about
    # `last_run`; the new jobs came after, the others before the alerts' look-back windows
    t0 = time.perf_counter()
    now = utcnow().replace(microsecond=0)
    last_run = now - timedelta(hours=12)
    new_step = (now - last_run - timedelta(minutes=1)).total_seconds() / args.new
    old_end = last_run - timedelta(minutes=30) - LOOKBACK - timedelta(hours=1)
    old_n = args.jobs - args.new
    table = Job.__table__
    rows = [
        {
            "b_id": j,
            "b_published": old_end - timedelta(seconds=50 * (old_n - j))
            if j <= old_n
            else now - timedelta(minutes=1, seconds=int((args.jobs - j) * new_step)),
        }
        for j in range(1, args.jobs + 1)
    ]
    statement = (
        table.update()
        .where(table.c.id == bindparam("b_id"))
        .values(status="published", published_at=bindparam("b_published"))
    )
    for start in range(0, len(rows), 10_000):
        db.session.execute(statement, rows[start : start + 10_000])
    db.session.commit()
    del rows
    timings["timeline_s"] = time.perf_counter() - t0
    log(f"publication times set in {timings['timeline_s']:.1f} s")

    t0 = time.perf_counter()
    rebuild(progress=False)
    timings["index_build_s"] = time.perf_counter() - t0
    log(f"index built in {timings['index_build_s']:.1f} s")

    refs = {
        "regions": list(db.session.scalars(select(Region.id).order_by(Region.id))),
        "communities": list(db.session.scalars(select(Community.id).order_by(Community.id))),
        "occupations": dict(db.session.execute(select(Occupation.noc_code, Occupation.id)).all()),
        "agencies": list(db.session.scalars(select(Agency.id).order_by(Agency.id))),
    }
    seekers = db.session.execute(
        select(User.id, User.email)
        .join(SeekerProfile, SeekerProfile.user_id == User.id)
        .order_by(User.id)
    ).all()
    rng = random.Random(args.seed + 1)
    t0 = time.perf_counter()
    figures = load_alerts(rng, args, now, last_run, refs, [tuple(s) for s in seekers])
    timings["alerts_s"] = time.perf_counter() - t0
    log(f"{args.alerts} alerts saved in {timings['alerts_s']:.1f} s: {figures}")

    # stored matches for the seekers with a "matches" alert (`flask matching` keeps them)
    t0 = time.perf_counter()
    from portal.models import SavedSearch

    matched_users = select(SavedSearch.user_id).where(SavedSearch.kind == "matches")
    profiles = list(
        db.session.scalars(select(SeekerProfile.id).where(SeekerProfile.user_id.in_(matched_users)))
    )
    stored = sum(engine.recompute_profile(pid) for pid in profiles)
    db.session.commit()
    timings["matches_s"] = time.perf_counter() - t0
    log(f"{stored} matches stored for {len(profiles)} seekers in {timings['matches_s']:.1f} s")
    analyze()
    return figures, timings


def run_worker(tmp, db_url, limit, profile, out) -> None:
    """A fresh process, as `flask alerts run`: the app, then one timed ``runner.run``."""
    app = make_app(tmp, db_url)
    with app.app_context():
        from portal.alerts import runner, tasks

        before = rss_mb()
        done = [0]
        started = time.perf_counter()

        def on_alert():
            done[0] += 1
            if done[0] % 1000 == 0:
                log(f"  {done[0]} alerts run, {time.perf_counter() - started:.1f} s")

        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        with tasks.site_context():  # as `flask alerts run` and the worker's task
            summary = runner.run(limit, on_alert=on_alert)
        run_s = time.perf_counter() - started
        if profiler is not None:
            import pstats

            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
    out.put(
        {
            "run_s": run_s,
            "alerts_run": summary.alerts,
            "digests": summary.digests,
            "jobs_sent": summary.jobs,
            "skipped": summary.skipped,
            "searches": summary.queries,
            "rss_before_run_mb": before,
            "peak_rss_mb": rss_mb(),
        }
    )


def create_database(server_url: str) -> str:
    """A new PostgreSQL database on the server of ``server_url``; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"bench_alerts_{os.getpid()}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, bench_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(bench_url).database
    engine = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 jobs, 1,000 alerts, 50 new")
    parser.add_argument("--jobs", type=int, help="published jobs (100,000)")
    parser.add_argument("--new", type=int, help="of which published since the last run (500)")
    parser.add_argument("--alerts", type=int, help="confirmed, due alerts (10,000)")
    parser.add_argument("--queries", type=int, help="distinct saved searches (alerts / 5)")
    parser.add_argument("--matches", type=int, help='"matches" alerts among them (300)')
    parser.add_argument("--seekers", type=int, help="seekers with accounts (alerts * 0.4)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (any database on it): the benchmark's own database is "
        "created there and dropped (default: temporary SQLite)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the run (stderr)")
    parser.add_argument("--keep", action="store_true", help="keep the database and directory")
    args = parser.parse_args()
    args.jobs = args.jobs or (10_000 if args.quick else 100_000)
    args.new = args.new or (50 if args.quick else 500)
    args.alerts = args.alerts or (1_000 if args.quick else 10_000)
    args.queries = args.queries or max(1, args.alerts // 5)
    args.matches = args.matches if args.matches is not None else (30 if args.quick else 300)
    args.seekers = args.seekers or max(1, int(args.alerts * 0.4))

    tmp = tempfile.mkdtemp(prefix="portal-bench-alerts-")
    db_url = create_database(args.database_url) if args.database_url else None
    log(f"working in {tmp}" + (f" and {db_url}" if db_url else ""))
    try:
        started = time.perf_counter()
        app = make_app(tmp, db_url)
        with app.app_context():
            from portal.extensions import db

            figures, timings = build(args)
            db.session.remove()
            db.engine.dispose()
        build_s = time.perf_counter() - started
        build_rss = rss_mb()
        log(f"built in {build_s:.1f} s (peak RSS {build_rss:.0f} MB); running the alerts")

        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        worker = ctx.Process(
            target=run_worker, args=(tmp, db_url, args.alerts + 1000, args.profile, queue)
        )
        worker.start()
        run = queue.get()
        worker.join()

        with app.app_context():
            from sqlalchemy import func, select

            from portal.models import AlertDelivery, OutboxMessage

            queued = db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.alert_id.is_not(None), OutboxMessage.sent_at.is_(None))
            )
            delivered = db.session.scalar(select(func.count()).select_from(AlertDelivery))
            db.session.remove()
            db.engine.dispose()
    finally:
        if db_url and not args.keep:
            drop_database(args.database_url, db_url)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    result = {
        "db": "postgresql" if db_url else "sqlite",
        "alerts": args.alerts,
        "jobs": args.jobs,
        "new_jobs": args.new,
        "run_s": round(run["run_s"], 1),
        "digests": run["digests"],
        "peak_rss_mb": round(run["peak_rss_mb"]),
        "per_alert_ms": round(run["run_s"] * 1000 / max(1, run["alerts_run"]), 2),
        "alerts_run": run["alerts_run"],
        "searches": run["searches"],
        "jobs_sent": run["jobs_sent"],
        "skipped": run["skipped"],
        **figures,
        "outbox_digests": queued,  # queued by the run (the earlier ones were sent)
        "alert_sent_rows": delivered - figures["earlier_deliveries"],
        "rss_before_run_mb": round(run["rss_before_run_mb"]),
        "build_s": round(build_s, 1),
        **{key: round(value, 1) for key, value in timings.items()},
        "build_peak_rss_mb": round(build_rss),
    }
    log(
        f"{result['alerts_run']} alerts run in {result['run_s']} s "
        f"({result['per_alert_ms']} ms each, {result['searches']} searches): "
        f"{result['digests']} digests with {result['jobs_sent']} jobs, "
        f"{result['skipped']} skipped; peak RSS {result['peak_rss_mb']} MB"
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
