"""The columns of a workforce return line: their names (in the CSV and the form), labels and
definitions. One list, used by the form, the CSV template, the column guide, the help text
on the draft page and every validation message."""

from dataclasses import dataclass

from portal.models.lmi import BARGAINING_STATUSES, EMPLOYMENT_STATUSES


@dataclass(frozen=True)
class Column:
    name: str  # CSV header and form field name
    label: str  # in messages and on pages
    kind: str  # "code", "count", "fte" or "pay"
    meaning: str
    example: str = ""
    short: str = ""  # the column heading in the lines table (figure columns only)


KEY_COLUMNS = ("occupation", "region", "employment_status", "bargaining_status")

COLUMNS = (
    Column(
        "occupation",
        "Occupation",
        "code",
        "The occupation's NOC 2021 code (5 digits, e.g. 42201). Keep the leading zero.",
        "42201",
    ),
    Column(
        "region",
        "Region",
        "code",
        "The BC development region where the positions are based.",
        "mainland-southwest",
    ),
    Column(
        "employment_status",
        "Employment status",
        "code",
        "Regular full-time, regular part-time, casual or term.",
        "regular_full_time",
    ),
    Column(
        "bargaining_status",
        "Bargaining status",
        "code",
        "Whether the positions are in a bargaining unit (union), not (non_union), or "
        "excluded from it (managers and confidential staff).",
        "non_union",
    ),
    Column(
        "opening_headcount",
        "Opening headcount",
        "count",
        "Employees on April 1, the first day of the fiscal year (people, not FTE).",
        "24",
        short="Open",
    ),
    Column(
        "closing_headcount",
        "Closing headcount",
        "count",
        "Employees on March 31, the last day of the fiscal year.",
        "26",
        short="Close",
    ),
    Column(
        "fte",
        "FTE",
        "fte",
        "Full-time equivalents on March 31 (a full-time employee is 1.0; decimals "
        "allowed). At most 1.3 × the closing headcount.",
        "21.5",
        short="FTE",
    ),
    Column(
        "hires",
        "Hires",
        "count",
        "People hired during the year (new employees, not internal moves).",
        "9",
        short="Hires",
    ),
    Column(
        "separations",
        "Separations — total",
        "count",
        "Employees who left during the year, for any reason.",
        "7",
        short="Sep.",
    ),
    Column(
        "sep_voluntary",
        "Separations — voluntary",
        "count",
        "Resignations: the employee chose to leave (other than retirement).",
        "5",
        short="Vol.",
    ),
    Column(
        "sep_retirement",
        "Separations — retirement",
        "count",
        "Employees who retired.",
        "1",
        short="Ret.",
    ),
    Column(
        "sep_involuntary",
        "Separations — involuntary",
        "count",
        "Dismissals, layoffs and ends of probation decided by the agency.",
        "1",
        short="Invol.",
    ),
    Column(
        "sep_other",
        "Separations — other",
        "count",
        "Any other reason (death, end of a term, unknown). The four reasons add up to the total.",
        "0",
        short="Other",
    ),
    Column(
        "sep_within_90_days",
        "Separations within 90 days of hire",
        "count",
        "Of the separations, those who left within 90 days of being hired.",
        "2",
        short="≤90\u00a0d",
    ),
    Column(
        "sep_within_1_year",
        "Separations within 1 year of hire",
        "count",
        "Of the separations, those who left within a year of being hired (including "
        "those within 90 days).",
        "3",
        short="≤1\u00a0yr",
    ),
    Column(
        "vacancies",
        "Vacancies",
        "count",
        "Positions open on March 31 that the agency is actively trying to fill.",
        "3",
        short="Vac.",
    ),
    Column(
        "vacancies_90_days",
        "Vacancies open 90+ days",
        "count",
        "Of those vacancies, the ones open for 90 days or more.",
        "1",
        short="Vac. 90+",
    ),
    Column(
        "pay_p25",
        "Hourly pay — 25th percentile",
        "pay",
        "Hourly wage in dollars (e.g. 26.50) that a quarter of the employees earn "
        "less than. Pay is optional, but give all three figures or none.",
        "26.50",
        short="P25",
    ),
    Column(
        "pay_median",
        "Hourly pay — median",
        "pay",
        "The middle hourly wage, in dollars.",
        "28.75",
        short="Median",
    ),
    Column(
        "pay_p75",
        "Hourly pay — 75th percentile",
        "pay",
        "The hourly wage, in dollars, that three quarters of the employees earn less than.",
        "31.00",
        short="P75",
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
LABELS = {c.name: c.label for c in COLUMNS}
COUNT_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "count")
PAY_COLUMNS = ("pay_p25", "pay_median", "pay_p75")
# pay column (dollars in the UI and CSV) → model field (cents)
PAY_CENTS = {
    "pay_p25": "pay_p25_cents",
    "pay_median": "pay_median_cents",
    "pay_p75": "pay_p75_cents",
}
CODES = {"employment_status": EMPLOYMENT_STATUSES, "bargaining_status": BARGAINING_STATUSES}

# the bulk import (``flask lmi import``) has two more leading columns
IMPORT_COLUMNS = ("agency", "fiscal_year") + COLUMN_NAMES
