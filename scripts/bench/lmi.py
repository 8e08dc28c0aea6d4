"""Labour-market figures benchmark: N approved agencies × P fiscal years of realistic
workforce returns (``portal.demo.lmi``), then the HR champion's dashboard (GET /lmi through
the test client, signed in) and the full XLSX extract (all periods × every single
breakdown, then again with every two-way cross-table added) written to a file, timed, and
written once more under tracemalloc for its peak memory.

    .venv/bin/python scripts/bench/lmi.py
    .venv/bin/python scripts/bench/lmi.py --database-url postgresql://postgres@127.0.0.1/bench

Prints a table, then one JSON object as the last line. Not a test: no assertions.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

PASSWORD = "bench password 123"
FIRST_YEAR = 2021


def make_app(tmp, db_url=None):
    from portal import create_app

    return create_app(
        "testing",
        {
            "DATABASE_URL": db_url or f"sqlite:///{tmp}/bench.db",
            "SEARCH_INDEX_DIR": os.path.join(tmp, "search"),
            "UPLOAD_DIR": os.path.join(tmp, "uploads"),
        },
    )


def load(n_agencies: int, n_years: int, seed: int) -> dict:
    """Agencies with owners, a champion, and returns for every agency and year."""
    from portal.auth.services import create_user
    from portal.demo.lmi import seed_returns
    from portal.extensions import db
    from portal.models import Agency, Community, Membership, Subsector, User
    from portal.models.types import utcnow
    from portal.reference.services import load_reference

    db.drop_all()
    db.create_all()
    load_reference()
    rng = random.Random(seed)
    communities = db.session.query(Community).all()
    subsectors = db.session.query(Subsector).all()
    champion = create_user(
        "Bench Champion", "champion@bench.example.org", PASSWORD, role="champion"
    )
    champion.email_confirmed_at = utcnow()
    agencies = []
    for i in range(n_agencies):
        owner = User(
            email=f"owner{i}@bench.example.org", name=f"Owner {i}", role="agency", password_hash="x"
        )
        community = rng.choice(communities)
        member = rng.random() < 0.45
        agency = Agency(
            legal_name=f"Bench Agency {i} Society",
            slug=f"bench-{i}",
            name=f"{community.name} Community Services {i}",
            region_id=community.region_id,
            community_id=community.id,
            subsector_id=rng.choice(subsectors).id,
            cssea_member=member,
            unionized=rng.random() < (0.85 if member else 0.35),
            status="approved",
        )
        db.session.add_all([owner, agency, Membership(user=owner, agency=agency, role="owner")])
        agencies.append(agency)
    db.session.commit()
    years = list(range(FIRST_YEAR, FIRST_YEAR + n_years))
    start = time.perf_counter()
    returns = seed_returns(agencies, years, rng, share=1.0, statuses={"submitted": 1.0})
    db.session.commit()
    seconds = time.perf_counter() - start
    from sqlalchemy import func, select

    from portal.models import ReturnLine

    lines = db.session.scalar(select(func.count(ReturnLine.id)))
    return {"returns": returns, "lines": lines, "load_s": round(seconds, 2), "years": years}


def time_dashboard(app, years, rounds: int) -> list[float]:
    from flask.testing import FlaskClient

    client: FlaskClient = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"email": "champion@bench.example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.status_code
    times = []
    for i in range(rounds):
        year = years[-1 - (i % len(years))]
        start = time.perf_counter()
        response = client.get(f"/lmi?period={year}")
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"dashboard returned {response.status_code}")
    return times


def time_extract(years, breakdowns, path) -> dict:
    from portal.lmi import extracts

    request = extracts.ExtractRequest(years=years, breakdowns=breakdowns, fmt="xlsx")
    start = time.perf_counter()
    with open(path, "wb") as out:
        summary = extracts.write(request, out)
    seconds = time.perf_counter() - start
    tracemalloc.start()  # a second run: tracing slows Python code several times over
    with open(path, "wb") as out:
        extracts.write(request, out)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 2),
        "peak_mb": round(peak / 2**20, 1),
        "rows": summary.rows,
        "suppressed_cells": summary.suppressed,
        "bytes": os.path.getsize(path),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL URL (its tables are dropped!)")
    parser.add_argument(
        "--no-cross", action="store_true", help="skip the extract with every two-way cross-table"
    )
    args = parser.parse_args()

    from portal.lmi.figures import DIMENSIONS

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(tmp, args.database_url)
        with app.app_context():
            loaded = load(args.agencies, args.years, args.seed)
        years = loaded["years"]
        with app.app_context():
            times = time_dashboard(app, years, args.rounds)
        singles = [(d,) for d in DIMENSIONS]
        with app.app_context():
            single = time_extract(years, singles, os.path.join(tmp, "single.xlsx"))
        cross = None
        if not args.no_cross:
            pairs = list(itertools.combinations(DIMENSIONS, 2))
            with app.app_context():
                cross = time_extract(years, singles + pairs, os.path.join(tmp, "all.xlsx"))
        backend = "postgresql" if args.database_url else "sqlite"

    result = {
        "backend": backend,
        "agencies": args.agencies,
        "years": args.years,
        **loaded,
        "dashboard_median_s": round(statistics.median(times), 3),
        "dashboard_max_s": round(max(times), 3),
        "extract_single": single,
        "extract_single_and_cross": cross,
    }
    result.pop("years")
    print(f"backend            {backend}")
    print(
        f"data               {args.agencies} agencies × {args.years} years: "
        f"{loaded['returns']} returns, {loaded['lines']} lines (loaded in {loaded['load_s']} s)"
    )
    print(
        f"dashboard GET      median {result['dashboard_median_s']} s, "
        f"max {result['dashboard_max_s']} s over {len(times)} requests"
    )
    print(
        f"XLSX, single       {single['seconds']} s, peak {single['peak_mb']} MB, "
        f"{single['rows']} rows, {single['suppressed_cells']} cells suppressed"
    )
    if cross:
        print(
            f"XLSX, + 15 crosses {cross['seconds']} s, peak {cross['peak_mb']} MB, "
            f"{cross['rows']} rows, {cross['suppressed_cells']} cells suppressed"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
