"""Matching benchmark: a seeded synthetic sector (visible seeker profiles and published
jobs, bulk-inserted for speed), the search index built by `flask search reindex`'s code,
every profile's stored matches precomputed (`flask matching rebuild`'s code), then timings
of what the pages do:

- recommend: one seeker's recommended jobs, top 20 with their charts;
- candidates: one job's suggested candidates, top 20 with their charts;
- combos: one full-time seeker's combinations of part-time jobs;
- recompute profile / job: rewriting the stored matches after a change (and its commit).

    .venv/bin/python scripts/bench/matching.py --quick      # 1,000 profiles, 10,000 jobs
    .venv/bin/python scripts/bench/matching.py              # 20,000 profiles, 100,000 jobs
    .venv/bin/python scripts/bench/matching.py --database-url postgresql+psycopg://...

Uses its own temporary SQLite database (or the empty database given) and index. Prints a
table, then one JSON object as the last line. Not a test: no assertions.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

AGENCIES = 400
SAMPLES = 40
CHUNK = 5000

# the sector's occupations are not equally common (NOC code: weight)
OCCUPATION_WEIGHTS = {
    "42201": 30,
    "42202": 20,
    "33102": 10,
    "44101": 10,
    "41300": 8,
    "41301": 8,
    "42203": 6,
    "43100": 5,
    "40030": 5,
    "41321": 4,
    "54100": 3,
    "63200": 3,
}
BIG_PLACES = {
    "Vancouver": 30,
    "Surrey": 20,
    "Burnaby": 10,
    "Victoria": 15,
    "Kelowna": 8,
    "Kamloops": 6,
    "Nanaimo": 6,
    "Prince George": 6,
    "Abbotsford": 6,
    "Chilliwack": 4,
    "Nelson": 3,
    "Terrace": 2,
    "Fort St. John": 2,
}
# weekly schedules: (employment type, hours pattern, blocks)
WEEKDAYS = range(5)
SCHEDULES = [
    ("full_time", [[d, "08:00", "16:00"] for d in WEEKDAYS]),
    ("full_time", [[d, "09:00", "17:00"] for d in WEEKDAYS]),
    ("full_time", [[d, "14:00", "22:00"] for d in WEEKDAYS]),
    ("part_time", [[d, "09:00", "13:00"] for d in WEEKDAYS]),
    ("part_time", [[d, "13:00", "17:00"] for d in WEEKDAYS]),
    ("part_time", [[d, "16:00", "21:00"] for d in WEEKDAYS]),
    ("part_time", [[d, "08:00", "16:00"] for d in (0, 2, 4)]),
    ("part_time", [[d, "08:00", "16:00"] for d in (1, 3)]),
    ("casual", [[5, "09:00", "17:00"], [6, "09:00", "17:00"]]),
    ("casual", [[d, "06:00", "10:00"] for d in WEEKDAYS]),
    ("temporary", [[d, "08:30", "16:30"] for d in WEEKDAYS]),
]
AVAILABILITY = [
    [(d, p) for d in WEEKDAYS for p in ("morning", "day")],
    [(d, p) for d in range(7) for p in ("day", "evening")],
    [(d, "evening") for d in range(7)] + [(5, "day"), (6, "day")],
    [(d, p) for d in range(7) for p in ("morning", "day", "evening", "night")],
    [(d, "day") for d in (0, 2, 4)],
    [],
]
CREDENTIALS_BY_GROUP = {
    "422": ["first-aid-cpr-c", "criminal-record-check", "csw-certificate", "cpi-nvci"],
    "4220": ["ece-certificate", "ece-assistant-certificate", "ite-certificate"],
    "413": ["bsw", "msw", "rsw", "rcc"],
    "331": ["hca-certificate", "first-aid-cpr-c"],
    "441": ["first-aid-cpr-c", "class-5-licence", "hca-certificate"],
    "632": ["foodsafe-1"],
}
WORDS = (
    "support adults youth children families group home outreach shelter residential "
    "mental health addictions life skills behaviour autism early learning counselling "
    "trauma indigenous newcomer settlement recreation meals personal care overnight"
).split()


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
            "UPLOAD_DIR": os.path.join(tmp, "uploads"),
            "SERVER_NAME": "localhost",
        },
    )


def _bulk(model_or_table, rows):
    from sqlalchemy import insert

    from portal.extensions import db

    for i in range(0, len(rows), CHUNK):
        db.session.execute(insert(model_or_table), rows[i : i + CHUNK])


def _credential_codes(group_codes, rng, most):
    pool = []
    for key, codes in CREDENTIALS_BY_GROUP.items():
        if any(code.startswith(key) for code in group_codes):
            pool.extend(codes)
    pool = sorted(set(pool))
    return rng.sample(pool, k=min(len(pool), rng.randint(0, most))) if pool else []


def generate(profiles_n, jobs_n, seed):
    """The sector: agencies, seekers with visible profiles, published jobs; bulk inserts
    with explicit ids."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import (
        Agency,
        Community,
        ConsentRecord,
        Credential,
        Job,
        JobCredential,
        JobShare,
        Membership,
        Occupation,
        SeekerCredential,
        SeekerProfile,
        Subsector,
        User,
    )
    from portal.models.seekers import profile_communities, profile_occupations, profile_regions
    from portal.models.types import utcnow
    from portal.reference.services import load_reference
    from portal.seekers import consent
    from portal.timeutil import today_pacific

    db.create_all()
    load_reference()
    db.session.commit()
    rng = random.Random(seed)
    now = utcnow()
    today = today_pacific()
    occupations = {
        code: oid for oid, code in db.session.execute(select(Occupation.id, Occupation.noc_code))
    }
    titles = dict(db.session.execute(select(Occupation.noc_code, Occupation.title)).all())
    communities = db.session.execute(
        select(Community.id, Community.name, Community.region_id)
    ).all()
    credentials = {
        code: cid for cid, code in db.session.execute(select(Credential.id, Credential.code))
    }
    subsectors = list(db.session.scalars(select(Subsector.id)))
    nocs = sorted(occupations)
    noc_weights = [OCCUPATION_WEIGHTS.get(code, 1) for code in nocs]
    place_weights = [BIG_PLACES.get(name, 1) for _, name, _ in communities]
    region_of = {cid: rid for cid, _, rid in communities}
    regions = sorted(set(region_of.values()))

    def noc():
        return rng.choices(nocs, noc_weights)[0]

    def place():
        return rng.choices(communities, place_weights)[0][0]

    # agencies and their owners
    users, agencies, members = [], [], []
    for i in range(1, AGENCIES + 1):
        community = place()
        users.append(
            {"id": i, "email": f"owner{i}@bench.example.org", "name": f"Owner {i}",
             "role": "agency", "password_hash": "x", "email_confirmed_at": now}
        )  # fmt: skip
        agencies.append(
            {"id": i, "legal_name": f"Bench Agency {i} Society", "name": f"Bench Agency {i}",
             "slug": f"bench-{i}", "region_id": region_of[community], "community_id": community,
             "subsector_id": rng.choice(subsectors), "status": "approved"}
        )  # fmt: skip
        members.append({"user_id": i, "agency_id": i, "role": "owner"})

    # seekers: visible profiles
    consents, profiles, p_occ, p_reg, p_com, p_cred = [], [], [], [], [], []
    for n in range(1, profiles_n + 1):
        uid = AGENCIES + n
        users.append(
            {"id": uid, "email": f"seeker{n}@bench.example.org", "name": f"Seeker {n}",
             "role": "seeker", "password_hash": "x", "email_confirmed_at": now}
        )  # fmt: skip
        consents.append(
            {"id": n, "user_id": uid, "purpose": consent.PURPOSE,
             "version": consent.current().id, "text": "bench", "granted_at": now}
        )  # fmt: skip
        first = noc()
        chosen = {first}
        if rng.random() < 0.5:  # a second occupation, often related
            related = [c for c in nocs if c[:3] == first[:3] and c != first]
            chosen.add(rng.choice(related) if related and rng.random() < 0.6 else noc())
        for code in chosen:
            p_occ.append({"profile_id": n, "occupation_id": occupations[code]})
        r = rng.random()
        if r < 0.7:  # one or two communities
            for cid in {place() for _ in range(rng.choice((1, 1, 2)))}:
                p_com.append({"profile_id": n, "community_id": cid})
        elif r < 0.9:
            p_reg.append({"profile_id": n, "region_id": rng.choice(regions)})
        for code in _credential_codes(chosen, rng, 4):
            p_cred.append({"profile_id": n, "credential_id": credentials[code]})
        hours = rng.choices(("full_time", "part_time", "casual", "any"), (45, 30, 10, 15))[0]
        pay = None if rng.random() < 0.15 else int(rng.gauss(2600, 400) // 25 * 25)
        headline = f"{titles[first].split(',')[0]} — {' '.join(rng.sample(WORDS, 3))}"
        profiles.append(
            {"id": n, "user_id": uid, "headline": headline[:200],
             "summary": " ".join(rng.sample(WORDS, 8)), "hours_wanted": hours,
             "pay_expectation_cents": pay and max(1800, pay), "pay_unit": "hourly",
             "willing_to_travel": rng.random() < 0.25, "languages": "English",
             "availability": [list(s) for s in rng.choice(AVAILABILITY)],
             "visibility": "agencies", "consent_id": n, "updated_at": now}
        )  # fmt: skip

    # jobs: one share each (the single-agency form), some ended
    jobs, shares, j_cred = [], [], []
    for j in range(1, jobs_n + 1):
        code = noc()
        community = place()
        kind, blocks = rng.choice(SCHEDULES)
        hours = sum(int(e[:2]) - int(s[:2]) + (int(e[3:]) - int(s[3:])) / 60 for _, s, e in blocks)
        if rng.random() < 0.3:
            blocks = []  # no weekly schedule given
        low = max(1800, int(rng.gauss(2500, 400) // 25 * 25))
        high = low + rng.choice((0, 200, 300, 500))
        status = rng.choices(("published", "closed", "filled", "expired"), (90, 4, 3, 3))[0]
        title = titles[code].split(",")[0].rstrip("s")
        jobs.append(
            {"id": j, "agency_id": rng.randint(1, AGENCIES), "title": title[:200],
             "description": " ".join(rng.sample(WORDS, 12)).capitalize() + ".",
             "occupation_id": occupations[code], "community_id": community,
             "region_id": region_of[community], "employment_type": kind,
             "hours_per_week": hours, "pay_min_cents": low, "pay_max_cents": high,
             "pay_unit": "hourly", "closes_on": today + timedelta(days=rng.randint(1, 60)),
             "status": status, "published_at": now - timedelta(minutes=jobs_n - j),
             "created_at": now, "updated_at": now, "version_id": 1}
        )  # fmt: skip
        shares.append(
            {"id": j, "job_id": j, "agency_id": jobs[-1]["agency_id"], "hours_per_week": hours,
             "schedule_blocks": blocks, "community_id": community, "pay_min_cents": low,
             "pay_max_cents": high, "pay_unit": "hourly", "status": "accepted"}
        )  # fmt: skip
        needed = _credential_codes({code}, rng, 2)
        for k, c in enumerate(needed):
            j_cred.append({"job_id": j, "credential_id": credentials[c], "required": k == 0})

    started = time.perf_counter()
    _bulk(User, users)
    _bulk(Agency, agencies)
    _bulk(Membership, members)
    _bulk(ConsentRecord, consents)
    _bulk(SeekerProfile, profiles)
    _bulk(profile_occupations, p_occ)
    _bulk(profile_regions, p_reg)
    _bulk(profile_communities, p_com)
    _bulk(SeekerCredential, p_cred)
    _bulk(Job, jobs)
    _bulk(JobShare, shares)
    _bulk(JobCredential, j_cred)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
        from sqlalchemy import text

        for model in (User, Agency, ConsentRecord, SeekerProfile, Job, JobShare):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()
        analyze()
    return time.perf_counter() - started


def analyze():
    """PostgreSQL: planner statistics after bulk inserts, as autovacuum would gather."""
    from sqlalchemy import text

    from portal.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def timed(fn, *args):
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000


def measure(seed):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.matching import engine, facts
    from portal.models import Agency, Job, JobShare, MatchScore, SeekerProfile, User

    rng = random.Random(seed)
    db.session.expire_all()
    profile_ids = list(db.session.scalars(select(SeekerProfile.id).order_by(SeekerProfile.id)))
    open_jobs = list(
        db.session.scalars(
            select(JobShare.job_id).where(
                JobShare.job_id.in_(select(Job.id).where(Job.status == "published"))
            )
        )
    )
    sample_profiles = rng.sample(profile_ids, min(SAMPLES, len(profile_ids)))
    sample_jobs = rng.sample(open_jobs, min(SAMPLES, len(open_jobs)))
    figures = {}

    # recommended jobs, top 20 with charts
    try:
        from portal.matching.recommend import recommended
    except ImportError:
        recommended = None
    times = []
    for pid in sample_profiles:
        user = db.session.scalar(
            select(User)
            .join(SeekerProfile, SeekerProfile.user_id == User.id)
            .where(SeekerProfile.id == pid)
        )
        db.session.expire_all()
        if recommended is not None:
            times.append(timed(lambda u=user: recommended(u, per_page=20)))
        else:

            def run(pid=pid):
                p = facts.profile_facts(pid)
                top = db.session.scalars(
                    select(MatchScore.share_id)
                    .where(MatchScore.profile_id == pid)
                    .order_by(MatchScore.score.desc())
                    .limit(20)
                ).all()
                engine.charts(p, list(facts.load_shares(JobShare.id.in_(top)).values()))

            times.append(timed(run))
        db.session.rollback()
    figures["recommend"] = times

    # suggested candidates, top 20 with charts
    try:
        from portal.matching.candidates import suggested
    except ImportError:
        suggested = None
    times = []
    for job_id in sample_jobs:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        agency = db.session.get(Agency, job.agency_id)
        if suggested is not None:
            times.append(timed(lambda j=job, a=agency: suggested(j, a, 20)))
        else:

            def run(job_id=job_id):
                share = next(iter(facts.load_shares(JobShare.job_id == job_id).values()))
                engine.rank_profiles(share, facts.profiles_for_share(share).values(), 20)

            times.append(timed(run))
        db.session.rollback()
    figures["candidates"] = times

    # combinations of part-time work for seekers who want full-time
    try:
        from portal.matching.combos import combinations
    except ImportError:
        combinations = None
    times = []
    if combinations is not None:
        full = list(
            db.session.scalars(
                select(SeekerProfile.id).where(SeekerProfile.hours_wanted == "full_time")
            )
        )
        for pid in rng.sample(full, min(SAMPLES, len(full))):
            db.session.expire_all()
            times.append(timed(lambda pid=pid: combinations(facts.profile_facts(pid))))
            db.session.rollback()
    figures["combos"] = times

    # recompute after a change, with its commit
    times = []
    for pid in sample_profiles[:20]:
        t0 = time.perf_counter()
        engine.recompute_profile(pid)
        db.session.commit()
        times.append((time.perf_counter() - t0) * 1000)
    figures["recompute_profile"] = times
    times = []
    for job_id in sample_jobs[:20]:
        t0 = time.perf_counter()
        engine.recompute_job(job_id)
        db.session.commit()
        times.append((time.perf_counter() - t0) * 1000)
    figures["recompute_job"] = times
    figures["stored"] = db.session.scalar(select(func.count()).select_from(MatchScore))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 profiles and 10,000 jobs")
    parser.add_argument("--profiles", type=int)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--database-url", help="an empty database (default: temporary SQLite)")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed part")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--data",
        help="a directory to keep the generated sector in, reused by the next run (SQLite)",
    )
    parser.add_argument(
        "--sample-precompute",
        action="store_true",
        help="precompute only the sampled seekers' matches and extrapolate (for the full size)",
    )
    args = parser.parse_args()
    profiles_n = args.profiles or (1000 if args.quick else 20000)
    jobs_n = args.jobs or (10000 if args.quick else 100000)
    reuse = bool(args.data) and os.path.exists(os.path.join(args.data, "bench.db"))
    if args.data:
        os.makedirs(args.data, exist_ok=True)
    tmp = args.data or tempfile.mkdtemp(prefix="portal-bench-matching-")
    app = make_app(tmp, args.database_url)
    with app.app_context():
        from portal.extensions import db
        from portal.matching import engine
        from portal.search.cli import rebuild

        insert_s = index_s = 0.0
        if not reuse:
            insert_s = generate(profiles_n, jobs_n, args.seed)
            print(
                f"generated {profiles_n} profiles, {jobs_n} jobs in {insert_s:.1f} s",
                file=sys.stderr,
            )
            t0 = time.perf_counter()
            rebuild(progress=False)
            index_s = time.perf_counter() - t0
            print(f"index built in {index_s:.1f} s", file=sys.stderr)
        t0 = time.perf_counter()
        if args.sample_precompute:  # the seekers measure() samples, extrapolated
            from sqlalchemy import select

            from portal.models import SeekerProfile

            ids = list(db.session.scalars(select(SeekerProfile.id).order_by(SeekerProfile.id)))
            chosen = random.Random(args.seed).sample(ids, min(SAMPLES, len(ids)))
            stored = sum(engine.recompute_profile(pid) for pid in chosen)
            db.session.commit()
            precompute_s = (time.perf_counter() - t0) * profiles_n / len(chosen)
        else:
            stored = engine.recompute_all()
            db.session.commit()
            precompute_s = time.perf_counter() - t0
        print(f"{stored} matches precomputed in {precompute_s:.1f} s", file=sys.stderr)
        analyze()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            figures = measure(args.seed)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        else:
            figures = measure(args.seed)

    def p(key, q):
        return round(pct(figures[key], q), 1) if figures[key] else None

    result = {
        "profiles": profiles_n,
        "jobs": jobs_n,
        "database": "postgresql" if args.database_url else "sqlite",
        "generate_s": round(insert_s, 1),
        "index_build_s": round(index_s, 1),
        "precompute_all_s": round(precompute_s, 1),
        "precompute_extrapolated": args.sample_precompute,
        "precompute_per_profile_ms": round(precompute_s * 1000 / max(1, profiles_n), 1),
        "stored_matches": figures["stored"],
        "recommend_p50_ms": p("recommend", 50),
        "recommend_p95_ms": p("recommend", 95),
        "candidates_p50_ms": p("candidates", 50),
        "candidates_p95_ms": p("candidates", 95),
        "combos_p50_ms": p("combos", 50),
        "combos_p95_ms": p("combos", 95),
        "recompute_profile_ms": p("recompute_profile", 50),
        "recompute_profile_max_ms": p("recompute_profile", 100),
        "recompute_job_ms": p("recompute_job", 50),
        "recompute_job_max_ms": p("recompute_job", 100),
    }
    if not args.keep and not args.data:
        shutil.rmtree(tmp, ignore_errors=True)
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
