"""Extracts of the suppressed figures as CSV or XLSX, for chosen periods and breakdowns.

One row per cell (margins and totals included): the period, the breakdown, each
dimension's category, then every measure (``measures.MEASURES``); a suppressed cell shows
``x`` for every measure, a cell whose pay is suppressed shows ``x`` for pay only. Rows are
written as each table is computed (one period at a time), never all held at once; the XLSX
workbook is written in openpyxl's write-only mode and adds a data dictionary and notes.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from portal import numbers
from portal.errors import PortalError
from portal.lmi import figures
from portal.lmi.figures import DIMENSIONS, SUPPRESSED, Table
from portal.lmi.measures import MEASURES, SUPPRESSION_NOTES
from portal.models.types import utcnow

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = [
    "Period",
    "Breakdown",
    "Dimension 1",
    "Category 1 code",
    "Category 1",
    "Dimension 2",
    "Category 2 code",
    "Category 2",
] + [m.heading for m in MEASURES]


@dataclass
class ExtractRequest:
    years: list[int]
    breakdowns: list[tuple[str, ...]]
    fmt: str = "csv"

    def describe(self) -> str:
        """For the audit log: what was extracted."""
        return (
            f"format={self.fmt} periods={','.join(figures.period_label(y) for y in self.years)}"
            f" breakdowns={';'.join(breakdown_name(b) for b in self.breakdowns)}"
        )

    def filename(self) -> str:
        years = sorted(self.years)
        span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
        return f"sector-lmi-{span}.{self.fmt}"


@dataclass
class Summary:
    rows: int = 0
    suppressed: int = 0  # cells with every measure x
    tables: int = 0
    periods: set = field(default_factory=set)


def breakdown_name(breakdown: tuple[str, ...]) -> str:
    return ",".join(breakdown)


def breakdown_label(breakdown: tuple[str, ...]) -> str:
    return " × ".join(DIMENSIONS[d].label for d in breakdown)


def parse_breakdown(text: str) -> tuple[str, ...]:
    """``region`` (one-way) or ``region,occupation`` (a cross-table with margins)."""
    dims = tuple(part.strip() for part in text.replace("×", ",").split(",") if part.strip())
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise PortalError(f"Unknown breakdown “{unknown[0]}”: choose from {', '.join(DIMENSIONS)}.")
    if not 1 <= len(dims) <= 2 or len(set(dims)) != len(dims):
        raise PortalError("A breakdown is one dimension, or two different ones for a cross-table.")
    return dims


def make_request(
    years: Iterable, breakdowns: Iterable[str], fmt: str | None, available: list[int]
) -> ExtractRequest:
    """Check a request (from the form or the command line); defaults: every period, every
    one-way breakdown, CSV."""
    fmt = (fmt or "csv").lower()
    if fmt not in FORMATS:
        raise PortalError("Choose CSV or XLSX.")
    read = [numbers.whole(y, 1900, 2999) for y in years]  # ASCII digits only
    if None in read:
        raise PortalError("Choose periods from the list.")
    chosen = sorted(set(read))
    missing = [y for y in chosen if y not in available]
    if missing:
        raise PortalError(f"There is no reporting period {missing[0]}.")
    parsed: list[tuple[str, ...]] = []
    for text in breakdowns:
        breakdown = parse_breakdown(text)
        if breakdown not in parsed:
            parsed.append(breakdown)
    if not (chosen or available):
        raise PortalError("There are no reporting periods yet.")
    return ExtractRequest(chosen or list(available), parsed or [(d,) for d in DIMENSIONS], fmt)


def request_from_args(args, available: list[int]) -> tuple[ExtractRequest | None, str | None]:
    """The extract the page's URL parameters ask for, or None and why it cannot be made
    (a one-way breakdown per ``by``; ``rows`` and ``columns`` give a cross-table)."""
    breakdowns = args.getlist("by")
    rows, columns = args.get("rows", ""), args.get("columns", "")
    try:
        if bool(rows) != bool(columns):
            raise PortalError("Choose both dimensions of the cross-table, or neither.")
        if rows:
            breakdowns.append(f"{rows},{columns}")
        return make_request(args.getlist("period"), breakdowns, args.get("format"), available), None
    except PortalError as exc:
        return None, str(exc)


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers
    stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rounded(measure, value):
    if value is None:
        return None
    if measure.unit == "percent":
        return round(value, 1)
    if measure.unit == "dollars":
        return round(value, 2)
    if isinstance(value, float):
        return round(value, 1) if value % 1 else int(value)
    return value


def cell_values(cell) -> list:
    """A cell's measures in ``MEASURES`` order: numbers, None (not applicable) or x."""
    values = []
    for measure in MEASURES:
        value = cell.value(measure.key)
        values.append(value if value == SUPPRESSED else _rounded(measure, value))
    return values


def table_rows(table: Table) -> Iterator[tuple[list, bool]]:
    name = breakdown_label(table.dims)
    for key in table.keys():
        cell = table.cells[key]
        dims = []
        for axis in range(2):
            if axis < len(table.dims):
                dims += [
                    DIMENSIONS[table.dims[axis]].label,
                    table.code(axis, key[axis]),
                    table.label(axis, key[axis]),
                ]
            else:
                dims += [None, None, None]
        row = [figures.period_label(table.year), name, *dims, *cell_values(cell)]
        yield [neutralise(v) for v in row], cell.hidden


def rows(request: ExtractRequest, summary: Summary) -> Iterator[list]:
    for table in figures.tables(request.years, request.breakdowns):
        summary.tables += 1
        summary.periods.add(table.year)
        for row, hidden in table_rows(table):
            summary.rows += 1
            summary.suppressed += hidden
            yield row


def write_csv(request: ExtractRequest, out) -> Summary:
    """Write the extract to a binary file object as UTF-8 CSV (with a BOM, for Excel)."""
    summary = Summary()
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for row in rows(request, summary):
        writer.writerow(["" if v is None else v for v in row])
    text.flush()
    text.detach()
    return summary


def _bold(sheet, values: list) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _wrapped(sheet, values: list) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def write_xlsx(request: ExtractRequest, out) -> Summary:
    """Write the extract to a binary file object as an XLSX workbook: Figures, Data
    dictionary, Notes."""
    summary = Summary()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Figures")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGH", (9, 26, 18, 14, 34, 18, 14, 34), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(_bold(sheet, HEADER))
    for row in rows(request, summary):
        sheet.append(row)

    dictionary = book.create_sheet("Data dictionary")
    for column, width in zip("ABCDE", (30, 30, 10, 60, 60), strict=True):
        dictionary.column_dimensions[column].width = width
    dictionary.append(
        _bold(dictionary, ["Measure", "Column heading", "Unit", "Definition", "Formula"])
    )
    for m in MEASURES:
        dictionary.append(_wrapped(dictionary, [m.key, m.heading, m.unit, m.definition, m.formula]))
    dictionary.append([])
    dictionary.append(_bold(dictionary, ["Dimension", "Heading", "", "Definition", ""]))
    for d in DIMENSIONS.values():
        dictionary.append(_wrapped(dictionary, [d.name, d.label, "", DIMENSION_NOTES[d.name], ""]))

    notes = book.create_sheet("Notes")
    notes.column_dimensions["A"].width = 120
    notes.append(_bold(notes, ["Confidentiality and sources"]))
    for note in SUPPRESSION_NOTES:
        notes.append(_wrapped(notes, [note]))
    notes.append([])
    notes.append(
        [
            f"Periods: {', '.join(figures.period_label(y) for y in request.years)}"
            f" (fiscal years, April 1 to March 31)."
        ]
    )
    notes.append([f"Breakdowns: {'; '.join(breakdown_label(b) for b in request.breakdowns)}."])
    notes.append([f"Rows: {summary.rows}; cells suppressed: {summary.suppressed}."])
    notes.append([f"Extracted {utcnow():%Y-%m-%d %H:%M} UTC from the Sector Jobs Portal."])
    book.save(out)
    return summary


def write(request: ExtractRequest, out) -> Summary:
    return (write_xlsx if request.fmt == "xlsx" else write_csv)(request, out)


DIMENSION_NOTES = {
    "region": "The BC development region of the line (where the employees work).",
    "occupation": "The NOC 2021 occupation of the line.",
    "employment_status": "Regular full-time, regular part-time, casual or term, as the "
    "agency reports the line.",
    "bargaining_status": "Whether the line's employees are in a bargaining unit (union), "
    "not (non-union), or excluded management / confidential staff.",
    "cssea_member": "Whether the reporting agency is a member of CSSEA (the Community "
    "Social Services Employers' Association).",
    "subsector": "The reporting agency's subsector (community living, child and family "
    "services, ...).",
}
