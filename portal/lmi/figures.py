"""Figures from the agencies' current workforce returns: the database does the adding up.

Each query groups the current return lines twice: first per cell and agency (an agency's
contribution to the cell), then per cell (its sums, number of agencies, largest agency's
denominator). Pay percentiles are headcount-weighted medians of the lines' values, found
with a window function. Tables are then suppressed (``confidentiality``) before any figure
leaves this module.
"""

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import accumulate, groupby
from operator import itemgetter

from sqlalchemy import and_, case, func, select

from portal.extensions import db
from portal.lmi import confidentiality as conf
from portal.lmi.confidentiality import TOTAL, CellStats
from portal.lmi.measures import BY_KEY, PAY_QUANTILES, SUM_FIELDS, compute
from portal.models import Agency, Occupation, Region, Subsector
from portal.models.lmi import (
    BARGAINING_STATUSES,
    EMPLOYMENT_STATUSES,
    ReportingPeriod,
    ReturnLine,
    WorkforceReturn,
)


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str  # "Region"
    total_label: str  # "All regions"
    column: object  # the SQL expression grouped on
    title: str = ""  # a section heading: "By region"

    def categories(self) -> dict:
        """key → (code, label), in display order."""
        return _CATEGORIES[self.name]()


def _reference(model, code, label):
    def load() -> dict:
        rows = db.session.execute(select(model.id, code, label).order_by(label))
        return {key: (c, name) for key, c, name in rows}

    return load


_CATEGORIES = {
    "region": _reference(Region, Region.code, Region.name),
    "occupation": lambda: {
        key: (noc, f"{noc} {title}")
        for key, noc, title in db.session.execute(
            select(Occupation.id, Occupation.noc_code, Occupation.title).order_by(
                Occupation.noc_code
            )
        )
    },
    "employment_status": lambda: {k: (k, v) for k, v in EMPLOYMENT_STATUSES.items()},
    "bargaining_status": lambda: {k: (k, v) for k, v in BARGAINING_STATUSES.items()},
    "cssea_member": lambda: {
        True: ("member", "CSSEA member"),
        False: ("non_member", "Not a CSSEA member"),
    },
    "subsector": _reference(Subsector, Subsector.code, Subsector.name),
}

DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("region", "Region", "All regions", ReturnLine.region_id, "By region"),
        Dimension(
            "occupation", "Occupation", "All occupations", ReturnLine.occupation_id, "By occupation"
        ),
        Dimension(
            "employment_status",
            "Employment status",
            "All employment statuses",
            ReturnLine.employment_status,
            "By employment status",
        ),
        Dimension(
            "bargaining_status",
            "Union / non-union",
            "All bargaining statuses",
            ReturnLine.bargaining_status,
            "Union and non-union",
        ),
        Dimension(
            "cssea_member",
            "CSSEA membership",
            "Members and non-members",
            Agency.cssea_member,
            "CSSEA members and non-members",
        ),
        Dimension("subsector", "Subsector", "All subsectors", Agency.subsector_id, "By subsector"),
    )
}
SUPPRESSED = "x"
PAY_LINE_DIMS = tuple(DIMENSIONS)
# a line reports pay when it gives all three percentiles
_REPORTS_PAY = and_(*[getattr(ReturnLine, f).is_not(None) for f in PAY_QUANTILES.values()])


@dataclass
class Cell:
    key: tuple  # one value per dimension of the table, TOTAL for a margin
    agencies: int = 0
    largest: int = 0  # the largest agency's opening + closing headcount
    denominator: int = 0  # Σ opening + closing headcount (twice the average headcount)
    sums: dict = field(default_factory=lambda: dict.fromkeys(SUM_FIELDS, 0))
    pay_agencies: int = 0  # agencies with lines reporting pay
    pay_employees: int = 0  # closing headcount of the lines reporting pay
    pay: dict = field(default_factory=dict)  # p25 / p50 / p75 → cents
    hidden: bool = False
    pay_hidden: bool = False

    @property
    def stats(self) -> CellStats:
        return CellStats(self.agencies, self.largest, self.denominator)

    @property
    def empty(self) -> bool:
        return self.agencies == 0

    def value(self, key: str):
        """A measure's value: "x" when suppressed, None when it does not apply."""
        measure = BY_KEY[key]
        if self.hidden or (measure.pay and self.pay_hidden):
            return SUPPRESSED
        if key == "agencies":
            return self.agencies
        return compute(measure, self.sums, self.pay)


@dataclass
class Table:
    """A suppressed table of one period: cells keyed by one value per dimension."""

    year: int
    dims: tuple[str, ...]
    cells: dict  # key → Cell
    labels: list[dict]  # per dimension: key → (code, label)

    def keys(self) -> list[tuple]:
        """Interior cells in category order, then margins, the grand total last."""

        def position(key):
            return tuple(
                (k is TOTAL, list(lab).index(k) if k in lab else 0)
                for k, lab in zip(key, self.labels, strict=True)
            )

        return sorted(self.cells, key=position)

    def categories(self, axis: int = 0) -> list:
        """The categories present on an axis, in order."""
        present = {key[axis] for key in self.cells if key[axis] is not TOTAL}
        return [k for k in self.labels[axis] if k in present]

    def label(self, axis: int, key) -> str:
        if key is TOTAL:
            return DIMENSIONS[self.dims[axis]].total_label
        return self.labels[axis].get(key, ("", str(key)))[1]

    def code(self, axis: int, key) -> str:
        if key is TOTAL:
            return "all"
        return str(self.labels[axis].get(key, (key, ""))[0])

    @property
    def total(self) -> Cell:
        return self.cells.get((TOTAL,) * len(self.dims), Cell((TOTAL,) * len(self.dims)))


# --- the queries ---------------------------------------------------------------------


def _current_lines(query, years: Iterable[int], where: Iterable = ()):
    return (
        query.select_from(ReturnLine)
        .join(
            WorkforceReturn,
            and_(WorkforceReturn.id == ReturnLine.return_id, WorkforceReturn.is_current.is_(True)),
        )
        .join(ReportingPeriod, ReportingPeriod.id == WorkforceReturn.period_id)
        .join(Agency, Agency.id == WorkforceReturn.agency_id)
        .where(ReportingPeriod.fiscal_year.in_(list(years)), *where)
    )


def _contributions(years, dims: tuple[str, ...], where=()):
    """Rows of (year, *dimension keys, agencies, largest, denominator, *sums,
    pay_agencies, pay_employees), one per cell, ordered by year."""
    columns = [DIMENSIONS[d].column for d in dims]
    closing = func.coalesce(ReturnLine.closing_headcount, 0)
    per_agency = (
        _current_lines(
            select(
                ReportingPeriod.fiscal_year.label("year"),
                *[c.label(f"d{i}") for i, c in enumerate(columns)],
                WorkforceReturn.agency_id,
                func.sum(func.coalesce(ReturnLine.opening_headcount, 0) + closing).label("den"),
                *[func.sum(func.coalesce(getattr(ReturnLine, f), 0)).label(f) for f in SUM_FIELDS],
                func.sum(case((_REPORTS_PAY, closing), else_=0)).label("pay_employees"),
            ),
            years,
            where,
        )
        .group_by(ReportingPeriod.fiscal_year, *columns, WorkforceReturn.agency_id)
        .subquery()
    )
    keys = [per_agency.c.year, *[per_agency.c[f"d{i}"] for i in range(len(dims))]]
    return db.session.execute(
        select(
            *keys,
            func.count(),
            func.max(per_agency.c.den),
            func.sum(per_agency.c.den),
            *[func.sum(per_agency.c[f]) for f in SUM_FIELDS],
            func.sum(case((per_agency.c.pay_employees > 0, 1), else_=0)),
            func.sum(per_agency.c.pay_employees),
        )
        .group_by(*keys)
        .order_by(*keys)
    )


def _pay_lines(years, where=()) -> list[tuple]:
    """The lines reporting pay (all three percentiles): (year, *every dimension's key,
    closing headcount, p25, p50, p75) — read once per period for every breakdown."""
    return db.session.execute(
        _current_lines(
            select(
                ReportingPeriod.fiscal_year,
                *[DIMENSIONS[d].column for d in PAY_LINE_DIMS],
                ReturnLine.closing_headcount,
                *[getattr(ReturnLine, f) for f in PAY_QUANTILES.values()],
            ),
            years,
            where,
        ).where(_REPORTS_PAY, ReturnLine.closing_headcount > 0)
    ).all()


def weighted_median(pairs: list[tuple[int, int]]) -> int | None:
    """The smallest value at which the cumulative weight (values sorted) reaches half of the
    total weight; None without weight."""
    pairs = sorted(pairs)
    running = list(accumulate(map(itemgetter(1), pairs)))
    if not running or running[-1] <= 0:
        return None
    return pairs[bisect_left(running, (running[-1] + 1) // 2)][0]


def _pay_quantiles(pay_lines: list[tuple], dims: tuple[str, ...]) -> dict:
    """(year, *keys) → {p25/p50/p75: cents}: each the closing-headcount-weighted median of
    the lines' values."""
    key_of = itemgetter(0, *[1 + PAY_LINE_DIMS.index(d) for d in dims])
    groups: dict = {}
    for line in pay_lines:
        key = key_of(line)
        if key.__class__ is not tuple:
            key = (key,)
        group = groups.get(key)
        if group is None:
            groups[key] = [line]
        else:
            group.append(line)
    w = 1 + len(PAY_LINE_DIMS)
    weights = itemgetter(w)
    return {
        key: {
            q: weighted_median(
                list(zip(map(itemgetter(w + 1 + i), lines), map(weights, lines), strict=True))
            )
            for i, q in enumerate(PAY_QUANTILES)
        }
        for key, lines in groups.items()
    }


def _cells_by_year(
    years, dims: tuple[str, ...], where=(), pay_lines=None
) -> Iterator[tuple[int, dict]]:
    """(year, {key: Cell}) for each year with data, the cells of one grouping."""
    if pay_lines is None:
        pay_lines = _pay_lines(years, where)
    pay = _pay_quantiles(pay_lines, dims)
    n = len(dims)
    rows = _contributions(years, dims, where)
    for year, group in groupby(rows, key=lambda row: row[0]):
        cells = {}
        for row in group:
            key = tuple(row[1 : 1 + n])
            agencies, largest, den, *rest = row[1 + n :]
            sums = dict(zip(SUM_FIELDS, rest[: len(SUM_FIELDS)], strict=True))
            cell = Cell(
                key,
                int(agencies),
                int(largest or 0),
                int(den or 0),
                {f: (float(v or 0) if f == "fte" else int(v or 0)) for f, v in sums.items()},
                int(rest[-2] or 0),
                int(rest[-1] or 0),
                pay.get((year, *key), {}),
            )
            cells[cell.key] = cell
        yield year, cells


def _mark(cell: Cell, hidden: bool) -> Cell:
    cell.hidden = hidden
    cell.pay_hidden = hidden or not conf.pay_publishable(cell.pay_employees, cell.pay_agencies)
    return cell


# --- suppressed tables ---------------------------------------------------------------


def group_totals(years, where=()) -> dict[int, Cell]:
    """The whole of each year (optionally of the agencies matching ``where``), with primary
    suppression applied: year → Cell."""
    return {
        year: _mark(cells[()], conf.fails_primary(cells[()].stats))
        for year, cells in _cells_by_year(years, (), where)
    }


def _one_way(
    year: int, dim: str, cells: dict, total: Cell, labels: list, forced: Iterable = ()
) -> Table:
    by_key = {key[0]: cell for key, cell in cells.items()}
    by_key[TOTAL] = total
    stats = {k: c.stats for k, c in by_key.items()}
    hidden = conf.suppress_one_way(stats, forced)
    table_cells = {}
    for k, cell in by_key.items():
        table_cells[(k,)] = _mark(replace(cell, key=(k,)), k in hidden)
    return Table(year, (dim,), table_cells, labels)


def tables(years, breakdowns: Iterable[tuple[str, ...]]) -> Iterator[Table]:
    """Every requested breakdown (one or two dimensions) for every year with data,
    suppressed; one year at a time (its pay lines are read once for all breakdowns).

    The margins of a two-way table are the one-way tables of its dimensions and keep those
    tables' suppression; a two-way table prefers interior cells as complements, and when it
    must hide a margin anyway, that category is hidden in the one-way table too and every
    table of the year is worked out again, so no table publishes what another hides.
    """
    breakdowns = list(breakdowns)
    labels = {d: DIMENSIONS[d].categories() for b in breakdowns for d in b}
    for year in sorted(set(years)):
        pay_lines = _pay_lines([year])
        totals = dict(_cells_by_year([year], (), pay_lines=pay_lines))
        if year not in totals:
            continue
        total = totals[year][()]
        dims = list(dict.fromkeys(d for b in breakdowns for d in b))
        one_cells = {
            d: dict(_cells_by_year([year], (d,), pay_lines=pay_lines)).get(year, {}) for d in dims
        }
        two_cells = {
            b: dict(_cells_by_year([year], b, pay_lines=pay_lines)).get(year, {})
            for b in breakdowns
            if len(b) == 2
        }
        forced: dict[str, set] = {d: set() for d in dims}
        while True:
            one_way = {
                d: _one_way(year, d, one_cells[d], total, [labels[d]], forced[d]) for d in dims
            }
            two_way = {
                b: _two_way(year, b, cells, one_way[b[0]], one_way[b[1]], [labels[d] for d in b])
                for b, cells in two_cells.items()
            }
            grew = False
            for (row_dim, col_dim), table in two_way.items():
                for (r, c), cell in table.cells.items():
                    if not cell.hidden or (r is not TOTAL and c is not TOTAL):
                        continue
                    margin = [(row_dim, r)] if c is TOTAL else []
                    margin += [(col_dim, c)] if r is TOTAL else []
                    for dim, key in margin:  # the grand total is in both one-way tables
                        if not one_way[dim].cells[(key,)].hidden:
                            forced[dim].add(key)
                            grew = True
            if not grew:
                break
        for breakdown in breakdowns:
            yield one_way[breakdown[0]] if len(breakdown) == 1 else two_way[breakdown]


def _two_way(year, dims, cells: dict, rows: Table, cols: Table, labels) -> Table:
    all_cells = dict(cells)
    for (k,), cell in rows.cells.items():
        all_cells[(k, TOTAL)] = cell
    for (k,), cell in cols.cells.items():
        all_cells[(TOTAL, k)] = cell
    margins = {(k, TOTAL): c for (k,), c in rows.cells.items()}
    margins |= {(TOTAL, k): c for (k,), c in cols.cells.items()}
    forced = {k for k, c in margins.items() if c.hidden}
    fixed = {k for k, c in margins.items() if not c.hidden}
    hidden = conf.suppress_two_way({k: c.stats for k, c in all_cells.items()}, forced, fixed)
    out = {}
    for key, cell in all_cells.items():
        out[key] = _mark(replace(cell, key=key), key in hidden)
    return Table(year, dims, out, labels)


def years_with_periods() -> list[int]:
    return list(
        db.session.scalars(
            select(ReportingPeriod.fiscal_year).order_by(ReportingPeriod.fiscal_year)
        )
    )


def period_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"
