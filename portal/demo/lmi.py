"""Demo workforce returns: realistic lines for BC community social services agencies,
chained from year to year, and the reporting periods and returns that hold them.

``generate_lines`` and ``next_year`` are plain data (no database): one agency-year's lines
as dicts keyed by ``ReturnLine`` column names. ``seed_returns`` writes periods, returns and
lines in bulk (also used by benchmarks: hundreds of agencies × several years in seconds);
``seed_demo_returns`` is the idempotent part of ``flask portal seed-demo``.

Every line of a submitted return keeps the hard rules of the returns (reasons add up to
the separations; within 90 days ≤ within a year ≤ separations; long vacancies ≤ vacancies;
FTE ≤ headcount; P25 < median < P75, all at or above the minimum wage; union lines only
for unionized agencies; one line per occupation × region × employment × bargaining) and
opening + hires − separations = closing exactly and each line opens with last year's
closing, so no soft warning is raised — except in the open period's held returns, where
one line's turnover is above 150 % on purpose (``spike_turnover``).
"""

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select

from portal.config import Config
from portal.demo.sector import DOMINANT_AGENCY, SMALL_REGION
from portal.demo.services import REPORTED_AGENCY, UNREPORTED_AGENCY
from portal.extensions import db
from portal.models import (
    Agency,
    Membership,
    Occupation,
    Region,
    ReportingPeriod,
    ReturnLine,
    User,
    WorkforceReturn,
)
from portal.models.lmi import COUNTED_STATUSES
from portal.models.types import utcnow

MINIMUM_WAGE_CENTS = Config.MINIMUM_WAGE_CENTS  # the demo's pay: at least config's default
DEMO_FISCAL_YEARS = (2023, 2024, 2025)
DEMO_SHARE = 0.8
# the open period's returns: share of each status (each status given a share gets at least
# one return; the rest are submitted). Closed periods' returns are all accepted.
OPEN_PERIOD_STATUSES = {"submitted": 0.82, "accepted": 0.12, "held": 0.04, "draft": 0.02}

# Median hourly pay (dollars) by NOC in the first year, around BC community social services
# wage grids; managers and professionals above the frontline.
PAY = {
    "00013": 50.0,
    "11200": 36.0,
    "13100": 30.0,
    "13110": 25.5,
    "31301": 45.0,
    "33102": 27.5,
    "40030": 40.0,
    "41300": 36.5,
    "41301": 35.0,
    "41321": 29.0,
    "41403": 33.0,
    "42201": 27.0,
    "42202": 24.5,
    "42203": 28.0,
    "43100": 25.0,
    "44100": 21.0,
    "44101": 25.5,
    "54100": 23.0,
    "63200": 22.5,
    "65310": 21.0,
    "73201": 26.0,
}
REGION_PAY = {"mainland-southwest": 1.03, "northeast": 1.04, "north-coast": 1.02, "nechako": 1.02}
# frontline occupations by subsector: (NOC, weight); the first is the core role
FRONTLINE = {
    "community-living": [("42201", 8), ("42203", 3), ("33102", 2), ("44101", 2), ("54100", 1)],
    "child-family": [("42201", 6), ("41300", 4), ("41301", 2), ("42202", 1)],
    "youth": [("42201", 7), ("41301", 2), ("54100", 2), ("41300", 1)],
    "indigenous": [("42201", 7), ("41300", 2), ("41301", 2), ("42202", 2)],
    "settlement": [("42201", 6), ("41321", 3), ("41403", 1), ("42202", 1)],
    "women": [("42201", 7), ("41301", 3), ("41300", 1)],
    "early-years": [("42202", 9), ("43100", 1), ("42201", 1)],
    "mental-health-substance-use": [("42201", 7), ("41301", 3), ("31301", 1), ("41300", 1)],
    "seniors": [("44101", 8), ("33102", 3), ("42201", 2), ("54100", 1)],
    "employment": [("41321", 8), ("42201", 2), ("41403", 1)],
    "housing": [("42201", 8), ("65310", 2), ("73201", 1), ("63200", 1)],
}
DEFAULT_FRONTLINE = [("42201", 6), ("41300", 2), ("41301", 2)]
SUPPORT = [("13110", 4), ("13100", 2), ("65310", 1), ("63200", 1), ("73201", 1), ("11200", 1)]
# employment mix of frontline lines (weight of headcount)
EMPLOYMENT_MIX = {"regular_full_time": 0.5, "regular_part_time": 0.25, "casual": 0.2, "term": 0.05}
# turnover, vacancy and FTE by employment status
TURNOVER_FACTOR = {
    "regular_full_time": 0.85,
    "regular_part_time": 1.05,
    "casual": 1.45,
    "term": 1.5,
}
VACANCY_FACTOR = {"regular_full_time": 1.0, "regular_part_time": 1.1, "casual": 1.0, "term": 0.8}
FTE_RATIO = {
    "regular_full_time": (0.95, 1.0),
    "regular_part_time": (0.5, 0.7),
    "casual": (0.15, 0.35),
    "term": (0.85, 1.0),
}
SIZES = ((5, 20, 35), (20, 80, 35), (80, 200, 20), (200, 450, 10))  # low, high, weight
# where an agency's lines outside its home region are: the regions next to it
NEIGHBOURS = {
    "vancouver-island-coast": ("mainland-southwest",),
    "mainland-southwest": ("vancouver-island-coast", "thompson-okanagan"),
    "thompson-okanagan": ("mainland-southwest", "kootenay", "cariboo"),
    "kootenay": ("thompson-okanagan",),
    "cariboo": ("thompson-okanagan", "northeast"),
    "north-coast": ("nechako",),
    "nechako": ("north-coast", "cariboo"),
    "northeast": ("cariboo",),
}
LINES_BY_SIZE = ((20, 4, 6), (80, 6, 10), (200, 9, 13), (10**9, 12, 15))


def _round(rng: random.Random, x: float) -> int:
    """Stochastic rounding: the expected value is ``x`` (so sums over lines stay unbiased)."""
    whole = int(x)
    return whole + (rng.random() < x - whole)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _year(
    rng: random.Random,
    line: dict,
    opening: int,
    turnover: float,
    vacancy_rate: float,
    growth: float,
) -> dict:
    """The counts of one line for one year, from its opening headcount."""
    employment = line["employment_status"]
    excluded = line["bargaining_status"] == "excluded"
    rate = turnover * TURNOVER_FACTOR[employment] * (0.5 if excluded else 1.0)
    separations = _round(rng, opening * rate * rng.uniform(0.8, 1.2))
    hires = max(0, separations + _round(rng, opening * (growth + rng.uniform(-0.02, 0.02))))
    hires = max(hires, separations - opening + 1)  # a line never empties
    closing = opening + hires - separations
    # reasons: voluntary most of it; managers retire more, term staff reach their end date
    retire = 0.2 if excluded else 0.07
    other = 0.3 if employment == "term" else 0.05
    involuntary = 0.04 if excluded else 0.1
    reasons = rng.choices(
        range(4), (1 - retire - other - involuntary, retire, involuntary, other), k=separations
    )
    within_year = min(separations, _round(rng, hires * rng.uniform(0.15, 0.35)))
    within_90 = _round(rng, within_year * rng.uniform(0.3, 0.5))
    vrate = min(
        0.6,
        vacancy_rate
        * VACANCY_FACTOR[employment]
        * (0.4 if excluded else 1.0)
        * rng.uniform(0.7, 1.3),
    )
    vacancies = _round(rng, closing * vrate / (1 - vrate))
    low, high = FTE_RATIO[employment]
    return {
        "opening_headcount": opening,
        "closing_headcount": closing,
        "fte": min(float(closing), round(closing * rng.uniform(low, high), 1)),
        "hires": hires,
        "separations": separations,
        "sep_voluntary": reasons.count(0),
        "sep_retirement": reasons.count(1),
        "sep_involuntary": reasons.count(2),
        "sep_other": reasons.count(3),
        "sep_within_90_days": within_90,
        "sep_within_1_year": within_year,
        "vacancies": vacancies,
        "vacancies_90_days": _round(rng, vacancies * rng.uniform(0.2, 0.45)),
    }


def _pay(rng: random.Random, median_dollars: float) -> dict:
    median = max(MINIMUM_WAGE_CENTS + 100, round(median_dollars * 100 * rng.uniform(0.95, 1.05)))
    p25 = max(MINIMUM_WAGE_CENTS, round(median * rng.uniform(0.87, 0.94)))
    p75 = round(median * rng.uniform(1.06, 1.14))
    return {
        "pay_p25_cents": min(p25, median - 25),
        "pay_median_cents": median,
        "pay_p75_cents": max(p75, median + 25),
    }


def _rates(
    rng: random.Random, turnover: float | None, vacancy_rate: float | None
) -> tuple[float, float, float]:
    """An agency's turnover, vacancy rate and growth for one year."""
    return (
        rng.uniform(0.18, 0.32) if turnover is None else turnover,
        rng.uniform(0.05, 0.11) if vacancy_rate is None else vacancy_rate,
        rng.uniform(-0.01, 0.05),
    )


def _id(value) -> int:
    return value if isinstance(value, int) else value.id


def generate_lines(
    rng: random.Random,
    agency,
    occupations,
    regions=None,
    *,
    size: int | None = None,
    turnover: float | None = None,
    vacancy_rate: float | None = None,
) -> list[dict]:
    """One agency-year's lines: dicts keyed by ``ReturnLine`` column names (no return_id).

    ``agency`` needs ``region_id`` and ``unionized`` (and ``subsector.code`` if it has one:
    the occupations follow it); ``occupations`` is a list of ``Occupation`` (or a mapping of
    NOC code to id) and must hold the NOC codes of ``PAY``; ``regions`` (``Region`` or ids),
    when given, lets larger agencies report a line or two in one of them (``seed_returns``
    gives the agency's own region and its ``NEIGHBOURS``).
    ``size`` is the opening headcount (drawn from 5 to 450 if not given); ``turnover`` and
    ``vacancy_rate`` override the agency's drawn rates (e.g. 0.6 for an outlier).
    """
    occ = (
        occupations if isinstance(occupations, Mapping) else {o.noc_code: o.id for o in occupations}
    )
    subsector = getattr(getattr(agency, "subsector", None), "code", None)
    frontline = FRONTLINE.get(subsector, DEFAULT_FRONTLINE)
    if size is None:
        low, high, _ = rng.choices(SIZES, [s[2] for s in SIZES])[0]
        size = rng.randint(low, high)
    n_lines = next(rng.randint(lo, hi) for top, lo, hi in LINES_BY_SIZE if size <= top)
    union = "union" if agency.unionized else "non_union"
    home = agency.region_id

    # (noc, employment, bargaining, region, fixed opening headcount or None, weight)
    if size < 60:  # the executive director manages the programs
        specs = [("00013", "regular_full_time", "excluded", home, 1, 0.0)]
    else:
        specs = [
            ("00013", "regular_full_time", "excluded", home, max(1, round(size / 150)), 0.0),
            ("40030", "regular_full_time", "excluded", home, max(1, round(size * 0.03)), 0.0),
        ]
    specs.append(
        (_pick(rng, SUPPORT[:2]), "regular_full_time", union, home, max(1, round(size * 0.04)), 0.0)
    )
    seen = {(s[0], s[1], s[3]) for s in specs}
    core = frontline[0][0]
    wanted = [(core, "regular_full_time"), (core, "regular_part_time"), (core, "casual")]
    tries = 0
    while len(specs) < n_lines and tries < 200:
        tries += 1
        if wanted:
            noc, employment = wanted.pop(0)
        elif rng.random() < 0.15:
            noc, employment = (
                _pick(rng, SUPPORT),
                rng.choice(["regular_full_time", "regular_part_time", "casual"]),
            )
        else:
            noc, employment = _pick(rng, frontline), _pick(rng, list(EMPLOYMENT_MIX.items()))
        region = home
        if regions and size >= 80 and len(specs) >= 5 and rng.random() < 0.12:
            region = _id(rng.choice(regions))
        if (noc, employment, region) in seen or noc not in occ:
            continue
        seen.add((noc, employment, region))
        weight = dict(frontline).get(noc, 1) * EMPLOYMENT_MIX[employment] * rng.uniform(0.6, 1.4)
        specs.append((noc, employment, union, region, None, weight))
    # the managers and the office first, the rest shared by weight
    rest = max(0, size - sum(s[4] or 0 for s in specs))
    total = sum(s[5] for s in specs) or 1.0
    turnover, vacancy_rate, growth = _rates(rng, turnover, vacancy_rate)
    region_codes = {}
    if regions and not isinstance(regions[0], int):
        region_codes = {r.id: r.code for r in regions}
    lines = []
    for noc, employment, bargaining, region, fixed, weight in specs:
        opening = fixed or max(1, _round(rng, rest * weight / total))
        line = {
            "occupation_id": occ[noc],
            "region_id": region,
            "employment_status": employment,
            "bargaining_status": bargaining,
        }
        line.update(_year(rng, line, opening, turnover, vacancy_rate, growth))
        median = PAY[noc] * REGION_PAY.get(region_codes.get(region), 1.0)
        median *= (1.03 if bargaining == "union" else 1.0) * (
            0.97 if employment == "casual" else 1.0
        )
        line.update(_pay(rng, median))
        lines.append(line)
    return lines


def next_year(
    rng: random.Random,
    lines: Iterable[dict],
    *,
    turnover: float | None = None,
    vacancy_rate: float | None = None,
) -> list[dict]:
    """The same agency's lines a year later: each line opens with last year's closing
    headcount, pay rises 2–5 %, and the year's flows are drawn afresh."""
    turnover, vacancy_rate, growth = _rates(rng, turnover, vacancy_rate)
    result = []
    for old in lines:
        line = {
            k: old[k]
            for k in ("occupation_id", "region_id", "employment_status", "bargaining_status")
        }
        line.update(_year(rng, line, old["closing_headcount"], turnover, vacancy_rate, growth))
        raise_ = rng.uniform(1.02, 1.05)
        median = round(old["pay_median_cents"] * raise_)
        line.update(
            pay_p25_cents=max(
                MINIMUM_WAGE_CENTS, min(median - 25, round(old["pay_p25_cents"] * raise_))
            ),
            pay_median_cents=median,
            pay_p75_cents=max(median + 25, round(old["pay_p75_cents"] * raise_)),
        )
        result.append(line)
    return result


def turnover_of(lines: Iterable[dict]) -> float:
    """Separations over average headcount (opening and closing), as a fraction."""
    lines = list(lines)
    average = sum(x["opening_headcount"] + x["closing_headcount"] for x in lines) / 2
    return sum(x["separations"] for x in lines) / average if average else 0.0


def vacancy_rate_of(lines: Iterable[dict]) -> float:
    """Vacancies over filled and vacant positions at period end, as a fraction."""
    lines = list(lines)
    positions = sum(x["closing_headcount"] + x["vacancies"] for x in lines)
    return sum(x["vacancies"] for x in lines) / positions if positions else 0.0


def spike_turnover(rng: random.Random, lines: list[dict]) -> dict:
    """Give one line (the biggest casual pool, else the biggest unionized or non-union line)
    a turnover of 160–200 % — staff churning through short assignments — which holds a
    submitted return for the HR champion's review. The opening headcount is kept (it
    chains with last year); returns the line, changed in place."""
    line = max(
        (x for x in lines if x["bargaining_status"] != "excluded"),
        key=lambda x: (x["employment_status"] == "casual", x["opening_headcount"]),
    )
    opening = line["opening_headcount"]
    closing = opening + rng.randint(0, max(1, opening // 8))
    separations = math.ceil(rng.uniform(1.6, 2.0) * (opening + closing) / 2)
    hires = separations + closing - opening
    reasons = rng.choices(range(4), (0.55, 0.0, 0.15, 0.3), k=separations)
    within_year = min(separations, round(hires * rng.uniform(0.5, 0.7)))
    low, high = FTE_RATIO[line["employment_status"]]
    line.update(
        closing_headcount=closing,
        hires=hires,
        separations=separations,
        sep_voluntary=reasons.count(0),
        sep_retirement=0,
        sep_involuntary=reasons.count(2),
        sep_other=reasons.count(3),
        sep_within_1_year=within_year,
        sep_within_90_days=round(within_year * rng.uniform(0.4, 0.6)),
        fte=min(float(closing), round(closing * rng.uniform(low, high), 1)),
    )
    return line


# --- the database -------------------------------------------------------------------------


def _at(day: date, hour: int = 17) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = max(0, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randint(0, seconds))


def ensure_periods(
    fiscal_years: Sequence[int], now: datetime | None = None
) -> tuple[list[ReportingPeriod], int]:
    """The periods of ``fiscal_years`` (sorted), creating the missing ones: the last one
    open, due January 15 after the year ends + 9 months, the others closed."""
    now = now or utcnow()
    years = sorted(fiscal_years)
    existing = {
        p.fiscal_year: p
        for p in db.session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.fiscal_year.in_(years))
        )
    }
    created = 0
    for year in years:
        if year in existing:
            continue
        is_open = year == years[-1]
        opened = min(_at(date(year + 1, 9, 15), 16), now - timedelta(days=30))
        period = ReportingPeriod(
            fiscal_year=year,
            status="open" if is_open else "closed",
            due_on=date(year + 2, 1, 15),
            opened_at=opened,
            closed_at=None if is_open else min(_at(date(year + 2, 3, 1)), now),
        )
        db.session.add(period)
        existing[year] = period
        created += 1
    db.session.flush()
    return [existing[y] for y in years], created


def _open_statuses(rng: random.Random, n: int, statuses: Mapping[str, float]) -> list[str]:
    """``n`` statuses in the given shares; every status given a share appears at least once
    (when ``n`` allows), the remainder is ``submitted``."""
    result: list[str] = []
    for status, share in statuses.items():
        if status != "submitted" and share > 0:
            result += [status] * max(1, round(share * n))
    result = result[:n]
    result += ["submitted"] * (n - len(result))
    rng.shuffle(result)
    return result


def _warnings(
    lines: list[dict], previous: list[dict], agency: Agency, codes: dict, regions: dict
) -> list[dict]:
    """The soft warnings a submission of ``lines`` confirms, as the returns store them."""
    from portal.returns import validation

    def values(line: dict) -> dict:
        return {
            **line,
            "occupation": codes[line["occupation_id"]],
            "region": regions[line["region_id"]],
        }

    _, warnings = validation.check_return(
        [values(x) for x in lines],
        unionized=agency.unionized,
        minimum_wage_cents=current_app.config["MINIMUM_WAGE_CENTS"],
        previous_closing={validation.key_of(values(x)): x["closing_headcount"] for x in previous},
    )
    return [w.as_dict() for w in warnings]


def seed_returns(
    agencies: Sequence[Agency],
    fiscal_years: Sequence[int],
    rng: random.Random,
    share: float = DEMO_SHARE,
    statuses: Mapping[str, float] = OPEN_PERIOD_STATUSES,
    *,
    reviewer: User | None = None,
    now: datetime | None = None,
    sizes: Mapping[int, int] | None = None,
) -> int:
    """Reporting periods for ``fiscal_years`` (created if missing: past years closed, the
    last open) and, for about ``share`` of ``agencies``, one return (version 1) a year with
    lines chained year to year. Returns of closed periods are accepted; the open period's
    follow ``statuses``: submitted, accepted, held (a line's turnover above 150 %, with the
    warnings its submitter confirmed, as ``portal.returns`` holds it) and draft (half its
    lines without pay yet). Submitted by the agency's owner; accepted returns reviewed by
    ``reviewer`` (default: the first HR champion, else an admin). ``sizes`` maps an agency
    id to its headcount at the start of the first year (else drawn by ``generate_lines``).

    Returns the number of returns created. An (agency, period) that already has a return is
    left alone, and the same ``rng`` state chooses the same agencies and figures, so a
    second run with the same seed adds nothing. Bulk inserts; no commit.
    """
    now = now or utcnow()
    periods, _ = ensure_periods(fiscal_years, now)
    agencies = sorted(agencies, key=lambda a: a.id)
    chosen = sorted(rng.sample(agencies, round(share * len(agencies))), key=lambda a: a.id)
    if not chosen:
        return 0
    occupations = list(db.session.scalars(select(Occupation)))
    regions = list(db.session.scalars(select(Region).order_by(Region.id)))
    if reviewer is None:
        reviewer = db.session.scalar(
            select(User)
            .where(User.role.in_(("champion", "admin")))
            .order_by(User.role.desc(), User.id)
            .limit(1)
        )  # a champion before an admin
    reviewer_id = reviewer.id if reviewer is not None else None
    ids = [a.id for a in chosen]
    owners = dict(
        db.session.execute(
            select(Membership.agency_id, Membership.user_id).where(
                Membership.role == "owner", Membership.agency_id.in_(ids)
            )
        ).all()
    )
    done = set(
        db.session.execute(
            select(WorkforceReturn.agency_id, WorkforceReturn.period_id).where(
                WorkforceReturn.agency_id.in_(ids),
                WorkforceReturn.period_id.in_([p.id for p in periods]),
            )
        ).all()
    )
    last = periods[-1]
    open_status = dict(
        zip(
            ids,
            _open_statuses(rng, len(chosen), statuses)
            if last.is_open
            else ["accepted"] * len(chosen),
            strict=True,
        )
    )

    codes = {o.id: o.noc_code for o in occupations}
    region_codes = {r.id: r.code for r in regions}
    by_code = {r.code: r for r in regions}
    near = {  # each region and the regions next to it
        r.id: [r, *(by_code[c] for c in NEIGHBOURS.get(r.code, ()) if c in by_code)]
        for r in regions
    }
    sizes = sizes or {}
    returns, lines_of = [], []
    base = rng.getrandbits(32)
    for agency in chosen:
        # each agency's own stream: its figures do not depend on which others report
        rng_a = random.Random(base * 1_000_003 + agency.id)  # nosec B311 # demo figures
        lines: list[dict] = []
        for period in periods:
            status = open_status[agency.id] if period is last else "accepted"
            previous = lines
            if not lines:
                lines = generate_lines(
                    rng_a, agency, occupations, near[agency.region_id], size=sizes.get(agency.id)
                )
            else:
                lines = next_year(rng_a, lines)
            warnings = []
            if status == "held":  # submitted with a line's turnover above 150 %
                spike_turnover(rng_a, lines)
                warnings = _warnings(lines, previous, agency, codes, region_codes)
            headcount = sum(x["opening_headcount"] for x in lines)
            source = "csv" if rng_a.random() < (0.5 if headcount >= 60 else 0.15) else "form"
            start = period.opened_at + timedelta(days=3)
            end = min(_at(period.due_on) + timedelta(days=10), now - timedelta(days=1))
            if period.closed_at is not None:
                end = min(end, period.closed_at - timedelta(days=20))
            submitted = _between(rng_a, start, end)
            reviewed = min(
                now,
                _between(
                    rng_a,
                    submitted + timedelta(days=1),
                    min(submitted + timedelta(days=30), period.closed_at or now),
                ),
            )
            row = {
                "agency_id": agency.id,
                "period_id": period.id,
                "version": 1,
                "status": status,
                "source": source,
                "warnings": warnings,
                "is_current": status in COUNTED_STATUSES,
                "created_at": max(
                    period.opened_at, submitted - timedelta(days=rng_a.randint(0, 12), hours=2)
                ),
                "updated_at": submitted,
                "submitted_at": submitted,
                "submitted_by_id": owners.get(agency.id),
                "reviewed_at": None,
                "reviewed_by_id": None,
                "review_comment": None,
            }
            if status == "accepted":
                row.update(reviewed_at=reviewed, reviewed_by_id=reviewer_id, updated_at=reviewed)
            rows = [dict(x) for x in lines]
            if status == "draft":  # started on the form, pay not filled in yet
                row.update(source="form", submitted_at=None, submitted_by_id=None)
                for x in rows[len(rows) // 2 :]:
                    x.update(pay_p25_cents=None, pay_median_cents=None, pay_p75_cents=None)
            if (agency.id, period.id) not in done:
                returns.append(row)
                lines_of.append(rows)
    if not returns:
        return 0
    # Core executemany on the tables, not the ORM's bulk insert (it starts a new batch at
    # every change in which columns are None, and accepted and submitted rows alternate),
    # nor RETURNING (in parameter order it goes row by row on PostgreSQL, and unordered
    # multi-row VALUES measured slower): the new ids come back by their unique
    # (agency, period, version).
    db.session.execute(insert(WorkforceReturn.__table__), returns)
    new_ids = {
        (a, p): i
        for i, a, p in db.session.execute(
            select(WorkforceReturn.id, WorkforceReturn.agency_id, WorkforceReturn.period_id).where(
                WorkforceReturn.agency_id.in_(ids),
                WorkforceReturn.version == 1,
                WorkforceReturn.period_id.in_([p.id for p in periods]),
            )
        )
    }
    line_rows = [
        {**x, "return_id": new_ids[row["agency_id"], row["period_id"]]}
        for row, rows in zip(returns, lines_of, strict=True)
        for x in rows
    ]
    db.session.execute(insert(ReturnLine.__table__), line_rows)
    return len(returns)


# --- the demo's sector -------------------------------------------------------------------

# Staff at the start of the first year: log-normal around the subsector's median, from 3 to
# 400, and capped by region (the largest agencies are in the cities)
MEDIAN_STAFF = {
    "community-living": 60,
    "child-family": 40,
    "housing": 40,
    "indigenous": 30,
    "mental-health-substance-use": 30,
    "settlement": 30,
    "youth": 25,
    "early-years": 22,
    "seniors": 20,
    "women": 20,
    "employment": 15,
}
SIZE_SPREAD = 0.9  # sigma of the log-normal: most agencies small, a few large
SMALLEST, LARGEST = 3, 400
REGION_CAP = {
    "mainland-southwest": 400,
    "vancouver-island-coast": 320,
    "thompson-okanagan": 250,
    "kootenay": 120,
    "cariboo": 120,
    "north-coast": 70,
    "northeast": 60,
    "nechako": 40,
}
DOMINANT_SIZE = 220  # DOMINANT_AGENCY: more than a quarter of its region's staff
# no other agency holds more than this share of its region's or subsector's reporting
# staff (the confidentiality rule hides a cell above 25 %)
MAX_SHARE = 0.2
RESPONSE_RATE = 0.85  # agencies that report, outside the small region
SMALL_REGION_REPORTING = 4  # fewer than the 5 agencies a published cell needs


def demo_reporters(agencies: Sequence[Agency], rng: random.Random) -> list[Agency]:
    """The demo agencies that send returns: about ``RESPONSE_RATE`` of them, only
    ``SMALL_REGION_REPORTING`` in ``SMALL_REGION``, always ``REPORTED_AGENCY`` and
    ``DOMINANT_AGENCY``, never ``UNREPORTED_AGENCY``."""
    agencies = sorted(agencies, key=lambda a: a.id)
    small = [a for a in agencies if a.region.code == SMALL_REGION and a.slug != UNREPORTED_AGENCY]
    chosen = set(rng.sample(small, min(SMALL_REGION_REPORTING, len(small))))
    for agency in agencies:
        draw = rng.random()
        if agency.region.code == SMALL_REGION or agency.slug == UNREPORTED_AGENCY:
            continue
        if agency.slug in (REPORTED_AGENCY, DOMINANT_AGENCY) or draw < RESPONSE_RATE:
            chosen.add(agency)
    return sorted(chosen, key=lambda a: a.id)


def demo_sizes(agencies: Sequence[Agency], reporting: Sequence[Agency], seed: int):
    """Each agency's staff at the start of the first year: agency id → headcount. The
    largest reporting community living agency of Mainland/Southwest has 400;
    ``DOMINANT_AGENCY`` dominates its region; in every other region (but the small one)
    and every subsector no reporting agency holds more than ``MAX_SHARE`` of the staff
    (the largest is made smaller until none does)."""
    sizes = {}
    for agency in agencies:
        rng = random.Random(f"{seed}-{agency.slug}")  # nosec B311 # the same demo every run
        size = round(
            MEDIAN_STAFF.get(agency.subsector.code, 30) * rng.lognormvariate(0, SIZE_SPREAD)
        )
        cap = REGION_CAP.get(agency.region.code, LARGEST)
        sizes[agency.id] = max(SMALLEST, min(cap, size))
    city = [
        a
        for a in reporting
        if a.region.code == "mainland-southwest" and a.subsector.code == "community-living"
    ]
    if city:
        sizes[max(city, key=lambda a: (sizes[a.id], -a.id)).id] = LARGEST
    dominant = next((a for a in reporting if a.slug == DOMINANT_AGENCY), None)
    groups: dict[tuple, list[Agency]] = {}
    for agency in reporting:
        groups.setdefault(("subsector", agency.subsector_id), []).append(agency)
        if agency.region.code != SMALL_REGION:
            groups.setdefault(("region", agency.region_id), []).append(agency)
    if dominant is not None:
        sizes[dominant.id] = DOMINANT_SIZE
        groups.pop(("region", dominant.region_id), None)
    changed = True
    while changed:
        changed = False
        for members in groups.values():
            others = [a for a in members if a is not dominant]
            if len(members) < 5 or not others:
                continue
            total = sum(sizes[a.id] for a in members)
            largest = max(others, key=lambda a: (sizes[a.id], -a.id))
            if sizes[largest.id] > MAX_SHARE * total:
                rest = total - sizes[largest.id]
                sizes[largest.id] = max(SMALLEST, int(MAX_SHARE / (1 - MAX_SHARE) * rest))
                changed = True
    return sizes


def seed_demo_returns(seed: int = 2027) -> dict[str, int]:
    """Fiscal years 2023/24 and 2024/25 (closed) and 2025/26 (open, due 2027-01-15) with
    returns from about 85 % of the approved demo agencies (``demo_reporters``, sized by
    ``demo_sizes``); the open period's returns of ``REPORTED_AGENCY`` and
    ``DOMINANT_AGENCY`` are submitted. Idempotent."""
    agencies = list(
        db.session.scalars(
            select(Agency)
            .where(Agency.slug.like("demo-%"), Agency.status == "approved")
            .order_by(Agency.id)
        )
    )
    _, periods = ensure_periods(DEMO_FISCAL_YEARS)
    if not agencies:
        return {"periods": periods, "returns": 0, "return_lines": 0}

    def lines() -> int:
        return db.session.scalar(select(func.count(ReturnLine.id)))

    before = lines()
    # seeded on purpose: the same demo figures every run (nothing secret is drawn)
    reporting = demo_reporters(agencies, random.Random(f"{seed}-reporters"))  # nosec B311
    sizes = demo_sizes(agencies, reporting, seed)
    shown = [a for a in reporting if a.slug in (REPORTED_AGENCY, DOMINANT_AGENCY)]
    rest = [a for a in reporting if a not in shown]
    returns = seed_returns(
        shown,
        DEMO_FISCAL_YEARS,
        random.Random(f"{seed}-shown"),  # nosec B311
        share=1.0,
        statuses={"submitted": 1.0},
        sizes=sizes,
    )
    returns += seed_returns(
        rest,
        DEMO_FISCAL_YEARS,
        random.Random(seed),  # nosec B311
        share=1.0,
        sizes=sizes,
    )
    return {"periods": periods, "returns": returns, "return_lines": lines() - before}
