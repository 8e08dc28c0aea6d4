"""The measures of a cell of figures, each with its definition and formula: the data
dictionary shipped with every extract and shown on the dashboard.

A cell holds sums over the lines of the current returns that fall in it (``sums``), so every
rate is a ratio of sums (Σ numerators ÷ Σ denominators), never an average of ratios.
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.models.lmi import COUNT_FIELDS

# the sums kept for a cell (SUM over its lines)
SUM_FIELDS = ("opening_headcount", "closing_headcount", "fte", *COUNT_FIELDS[2:])
PAY_QUANTILES = {"p25": "pay_p25_cents", "p50": "pay_median_cents", "p75": "pay_p75_cents"}


def percent(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator as a percentage; None when the denominator is zero."""
    if not denominator:
        return None
    return 100 * numerator / denominator


def average_headcount(s: dict) -> float:
    return (s["opening_headcount"] + s["closing_headcount"]) / 2


def _turnover(field: str) -> Callable[[dict], float | None]:
    return lambda s: percent(s[field], average_headcount(s))


@dataclass(frozen=True)
class Measure:
    key: str
    heading: str  # column heading in extracts and tables
    unit: str  # "count", "percent", "dollars"
    definition: str
    formula: str
    compute: Callable[[dict], float | int | None] | None = None  # from a cell's sums
    pay: str | None = None  # the pay quantile (p25/p50/p75) this measure shows

    @property
    def is_rate(self) -> bool:
        return self.unit == "percent"


def _count(field: str) -> Callable[[dict], float | int]:
    return lambda s: s[field]


MEASURES: tuple[Measure, ...] = (
    Measure(
        "agencies",
        "Agencies reporting",
        "count",
        "Agencies whose current return has at least one line in the cell.",
        "count of distinct agencies",
    ),
    Measure(
        "opening_headcount",
        "Opening headcount",
        "count",
        "Employees on the payroll on April 1, the first day of the fiscal year.",
        "Σ opening headcount",
        _count("opening_headcount"),
    ),
    Measure(
        "closing_headcount",
        "Closing headcount",
        "count",
        "Employees on the payroll on March 31, the last day of the fiscal year.",
        "Σ closing headcount",
        _count("closing_headcount"),
    ),
    Measure(
        "average_headcount",
        "Average headcount",
        "count",
        "The mean of opening and closing headcount: the denominator of turnover and "
        "hire rates, and the figure the dominance rule is judged on.",
        "(Σ opening headcount + Σ closing headcount) ÷ 2",
        average_headcount,
    ),
    Measure(
        "fte",
        "FTE",
        "count",
        "Full-time equivalents at the end of the period.",
        "Σ FTE",
        _count("fte"),
    ),
    Measure(
        "hires", "Hires", "count", "People hired during the period.", "Σ hires", _count("hires")
    ),
    Measure(
        "separations",
        "Separations",
        "count",
        "People who left during the period, for any reason.",
        "Σ separations",
        _count("separations"),
    ),
    Measure(
        "sep_voluntary",
        "Voluntary separations",
        "count",
        "Resignations and other departures the employee chose.",
        "Σ voluntary separations",
        _count("sep_voluntary"),
    ),
    Measure(
        "sep_retirement",
        "Retirements",
        "count",
        "Separations by retirement.",
        "Σ retirements",
        _count("sep_retirement"),
    ),
    Measure(
        "sep_involuntary",
        "Involuntary separations",
        "count",
        "Dismissals, lay-offs and ends of term the employer decided.",
        "Σ involuntary separations",
        _count("sep_involuntary"),
    ),
    Measure(
        "sep_other",
        "Other separations",
        "count",
        "Separations for any other reason (death, unknown, ...).",
        "Σ other separations",
        _count("sep_other"),
    ),
    Measure(
        "sep_within_90_days",
        "Separations within 90 days of hire",
        "count",
        "Separations of people who had been hired less than 90 days before.",
        "Σ separations within 90 days",
        _count("sep_within_90_days"),
    ),
    Measure(
        "sep_within_1_year",
        "Separations within 1 year of hire",
        "count",
        "Separations of people who had been hired less than a year before.",
        "Σ separations within 1 year",
        _count("sep_within_1_year"),
    ),
    Measure(
        "vacancies",
        "Vacancies",
        "count",
        "Positions open and being recruited for at the end of the period.",
        "Σ vacancies",
        _count("vacancies"),
    ),
    Measure(
        "vacancies_90_days",
        "Vacancies open 90+ days",
        "count",
        "Vacancies at the end of the period that had been open for 90 days or more.",
        "Σ vacancies open 90+ days",
        _count("vacancies_90_days"),
    ),
    Measure(
        "turnover_rate",
        "Turnover rate (%)",
        "percent",
        "Separations as a share of the average number of employees.",
        "100 × Σ separations ÷ ((Σ opening + Σ closing headcount) ÷ 2)",
        _turnover("separations"),
    ),
    Measure(
        "voluntary_turnover_rate",
        "Voluntary turnover rate (%)",
        "percent",
        "Voluntary separations as a share of average headcount.",
        "100 × Σ voluntary separations ÷ average headcount",
        _turnover("sep_voluntary"),
    ),
    Measure(
        "retirement_turnover_rate",
        "Retirement rate (%)",
        "percent",
        "Retirements as a share of average headcount.",
        "100 × Σ retirements ÷ average headcount",
        _turnover("sep_retirement"),
    ),
    Measure(
        "involuntary_turnover_rate",
        "Involuntary turnover rate (%)",
        "percent",
        "Involuntary separations as a share of average headcount.",
        "100 × Σ involuntary separations ÷ average headcount",
        _turnover("sep_involuntary"),
    ),
    Measure(
        "other_turnover_rate",
        "Other turnover rate (%)",
        "percent",
        "Other separations as a share of average headcount.",
        "100 × Σ other separations ÷ average headcount",
        _turnover("sep_other"),
    ),
    Measure(
        "hire_rate",
        "Hire rate (%)",
        "percent",
        "Hires as a share of average headcount.",
        "100 × Σ hires ÷ ((Σ opening + Σ closing headcount) ÷ 2)",
        _turnover("hires"),
    ),
    Measure(
        "early_leaver_rate",
        "Early-leaver rate (%)",
        "percent",
        "Separations within 90 days of hire as a share of hires.",
        "100 × Σ separations within 90 days ÷ Σ hires",
        lambda s: percent(s["sep_within_90_days"], s["hires"]),
    ),
    Measure(
        "vacancy_rate",
        "Vacancy rate (%)",
        "percent",
        "Vacancies as a share of all positions, filled or open, at the end of the period.",
        "100 × Σ vacancies ÷ (Σ closing headcount + Σ vacancies)",
        lambda s: percent(s["vacancies"], s["closing_headcount"] + s["vacancies"]),
    ),
    Measure(
        "long_term_vacancy_share",
        "Long-term vacancy share (%)",
        "percent",
        "The share of vacancies that had been open 90 days or more.",
        "100 × Σ vacancies open 90+ days ÷ Σ vacancies",
        lambda s: percent(s["vacancies_90_days"], s["vacancies"]),
    ),
    Measure(
        "pay_p25",
        "Hourly pay, 25th percentile ($)",
        "dollars",
        "The closing-headcount-weighted median of the lines' 25th-percentile hourly pay.",
        "smallest line P25 at which the lines' cumulative closing headcount (sorted by "
        "P25) reaches half of their total",
        pay="p25",
    ),
    Measure(
        "pay_median",
        "Hourly pay, median ($)",
        "dollars",
        "The closing-headcount-weighted median of the lines' median hourly pay: each "
        "line's median counts once for each employee on the line at period end.",
        "smallest line median at which the lines' cumulative closing headcount (sorted "
        "by median) reaches half of their total",
        pay="p50",
    ),
    Measure(
        "pay_p75",
        "Hourly pay, 75th percentile ($)",
        "dollars",
        "The closing-headcount-weighted median of the lines' 75th-percentile hourly pay.",
        "smallest line P75 at which the lines' cumulative closing headcount (sorted by "
        "P75) reaches half of their total",
        pay="p75",
    ),
)
BY_KEY = {m.key: m for m in MEASURES}

# the measures on the dashboard's tables and the benchmark page
KEY_RATES = (
    "turnover_rate",
    "hire_rate",
    "early_leaver_rate",
    "vacancy_rate",
    "long_term_vacancy_share",
)
TURNOVER_BY_REASON = (
    "voluntary_turnover_rate",
    "retirement_turnover_rate",
    "involuntary_turnover_rate",
    "other_turnover_rate",
)
CHART_MEASURES = (
    "turnover_rate",
    "voluntary_turnover_rate",
    "hire_rate",
    "early_leaver_rate",
    "vacancy_rate",
    "long_term_vacancy_share",
    "pay_median",
)

SUPPRESSION_NOTES = (
    "x means the figure is suppressed to protect the confidentiality of the agencies "
    "that report. A blank means the figure does not apply (its denominator is zero) or "
    "there is no data.",
    "Primary suppression: a cell is published only when at least 5 agencies contribute to "
    "it and no single agency holds more than 25 % of its average headcount (the "
    "denominator of turnover and hire rates). Every measure of a suppressed cell is x.",
    "Pay percentiles are published only when the lines reporting pay have 10 or more "
    "employees (closing headcount) and come from at least 5 agencies; otherwise the pay "
    "columns alone are x.",
    "Complementary suppression: in every row and column of a table with totals (the "
    "totals are cells too), a line holding exactly one suppressed cell also has its "
    "next-smallest visible cell (fewest agencies) suppressed, repeated until no line has "
    "exactly one. In a two-way table, further cells are suppressed until no suppressed "
    "cell can be derived by combining rows and columns. Rates are judged by the cells "
    "they are computed from.",
    "Only the current version of each agency's return counts (submitted or accepted); "
    "a cell with no reporting agency is shown blank and is known to be empty.",
)


def compute(measure: Measure, sums: dict, pay: dict | None = None):
    """The measure's value for a cell; None when it does not apply."""
    if measure.pay:
        cents = (pay or {}).get(measure.pay)
        return None if cents is None else cents / 100
    if measure.compute is None:
        return None
    return measure.compute(sums)
