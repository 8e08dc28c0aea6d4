"""What the HR champion's dashboard shows for a period: headline figures, a suppressed
table and chart per breakdown, trends across periods, response rates by segment, and the
portal's own recruitment figures."""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.lmi import charts, figures, portal_figures
from portal.lmi.confidentiality import TOTAL
from portal.lmi.figures import DIMENSIONS, Table
from portal.lmi.measures import BY_KEY, CHART_MEASURES, TURNOVER_BY_REASON
from portal.models import Agency, ReportingPeriod, WorkforceReturn

TABLE_MEASURES = (
    "agencies",
    "average_headcount",
    "turnover_rate",
    "hire_rate",
    "early_leaver_rate",
    "vacancy_rate",
    "long_term_vacancy_share",
    "pay_median",
)
# the headline cards, each with a short explanation
HEADLINE = {
    "closing_headcount": "employees on March 31",
    "fte": "full-time equivalents",
    "turnover_rate": "separations ÷ average headcount",
    "hire_rate": "hires ÷ average headcount",
    "early_leaver_rate": "left within 90 days ÷ hires",
    "vacancy_rate": "vacancies ÷ (employees + vacancies)",
    "long_term_vacancy_share": "of vacancies, open 90 days or more",
    "pay_median": "headcount-weighted median of the lines' medians",
}
TREND_SERIES = ("turnover_rate", "hire_rate", "vacancy_rate")
TREND_MEASURES = (
    "agencies",
    "closing_headcount",
    "turnover_rate",
    "hire_rate",
    "vacancy_rate",
    "pay_median",
)


@dataclass
class Row:
    label: str
    is_total: bool
    values: dict  # measure key → number, "x" or None


@dataclass
class Section:
    dim: str
    title: str
    rows: list[Row]
    chart: charts.BarChart


def _rows(table: Table, keys: tuple[str, ...]) -> list[Row]:
    return [
        Row(table.label(0, key[0]), key[0] is TOTAL, {k: table.cells[key].value(k) for k in keys})
        for key in table.keys()
    ]


def _section(table: Table, measure: str, period: str) -> Section:
    dim = DIMENSIONS[table.dims[0]]
    rows = _rows(table, TABLE_MEASURES + ((measure,) if measure not in TABLE_MEASURES else ()))
    m = BY_KEY[measure]
    chart = charts.bar_chart(
        f"chart-{dim.name}",
        f"{m.heading.split(' (')[0]}, {dim.title[0].lower() + dim.title[1:]}, {period}",
        [(r.label, r.values[measure], r.is_total) for r in rows],
        m.unit,
    )
    return Section(dim.name, dim.title, rows, chart)


def response_rates(year: int) -> dict:
    """Approved agencies with a current return for ``year`` over approved agencies, by
    region, subsector and CSSEA membership: dim → [(label, reported, registered, rate)]."""
    reported = (
        select(WorkforceReturn.agency_id)
        .join(ReportingPeriod, ReportingPeriod.id == WorkforceReturn.period_id)
        .where(ReportingPeriod.fiscal_year == year, WorkforceReturn.is_current.is_(True))
    )
    result = {}
    for name in ("region", "subsector", "cssea_member"):
        column = {
            "region": Agency.region_id,
            "subsector": Agency.subsector_id,
            "cssea_member": Agency.cssea_member,
        }[name]
        counts = {
            key: (int(n_reported or 0), n)
            for key, n, n_reported in db.session.execute(
                select(
                    column,
                    func.count(Agency.id),
                    func.sum(case((Agency.id.in_(reported), 1), else_=0)),
                )
                .where(Agency.status == "approved")
                .group_by(column)
            )
        }
        labels = DIMENSIONS[name].categories()
        rows = [(labels[k][1], *counts[k]) for k in labels if k in counts]
        total = (DIMENSIONS[name].total_label, sum(r[1] for r in rows), sum(r[2] for r in rows))
        result[name] = [(*r, 100 * r[1] / r[2] if r[2] else None) for r in [*rows, total]]
    return result


def _trend(years: list[int]):
    totals = figures.group_totals(years)
    shown = [y for y in years if y in totals]
    labels = [figures.period_label(y) for y in shown]
    rows = [
        Row(figures.period_label(y), False, {k: totals[y].value(k) for k in TREND_MEASURES})
        for y in shown
    ]
    chart = charts.line_chart(
        "chart-trend",
        "Turnover, hire and vacancy rates by period",
        labels,
        [
            (BY_KEY[k].heading.replace(" (%)", ""), [totals[y].value(k) for y in shown])
            for k in TREND_SERIES
        ],
        "percent",
    )
    return rows, chart


def _portal(year: int) -> dict:
    """The chosen period's postings, or the latest period's when it has none."""
    data = portal_figures.portal_figures()
    if year not in data.years and data.years:
        year = data.years[-1]
    by_region = data.tables["region"].get(year, [])
    return {
        "year": year,
        "period": figures.period_label(year),
        "trend": [data.by_year[y] for y in data.years],
        "by_region": by_region,
        "by_occupation": data.tables["occupation"].get(year, []),
        "chart": charts.bar_chart(
            "chart-postings",
            f"Postings published by region, {figures.period_label(year)}",
            [(c.label, c.postings, False) for c in by_region if not c.is_total],
            "count",
        )
        if by_region
        else None,
    }


def build(year: int, measure: str, years: list[int]) -> dict:
    period = figures.period_label(year)
    tables = {t.dims[0]: t for t in figures.tables([year], [(d,) for d in DIMENSIONS])}
    sections = [_section(tables[d], measure, period) for d in DIMENSIONS if d in tables]
    total = next(iter(tables.values())).total if tables else None
    trend_rows, trend_chart = _trend(years)
    response = response_rates(year)
    region_response = response["region"]
    return {
        "period": period,
        "total": total,
        "headline": HEADLINE,
        "by_reason": TURNOVER_BY_REASON,
        "sections": sections,
        "table_measures": TABLE_MEASURES
        if measure in TABLE_MEASURES
        else TABLE_MEASURES + (measure,),
        "trend_rows": trend_rows,
        "trend_measures": TREND_MEASURES,
        "trend_chart": trend_chart,
        "response": response,
        "dimensions": DIMENSIONS,
        "response_chart": charts.bar_chart(
            "chart-response",
            f"Response rate by region, {period}",
            [(label, rate, False) for label, _, _, rate in region_response[:-1]],
            "percent",
        ),
        "response_total": region_response[-1],
        "portal": _portal(year),
        "chart_measures": CHART_MEASURES,
    }
