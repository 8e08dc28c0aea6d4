"""Return lines as CSV: the template and example an agency downloads, and reading an
uploaded (or imported) file into rows with clear messages for files that are not what we
asked for (Excel workbooks, Windows-1252 text, semicolons, wrong columns, too many rows).

Reading is ``portal.csvfiles``' (shared with the jobs' bulk import): bytes in, rows or a
``CsvFileError`` out; nothing touches the database."""

import csv
import io
from collections.abc import Iterable, Mapping

from portal import csvfiles
from portal.csvfiles import CsvFileError  # noqa: F401  (raised by read_rows: callers catch it)
from portal.returns import validation
from portal.returns.columns import COLUMN_NAMES

MAX_ROWS = 5000


def read_rows(
    data: bytes, columns: tuple[str, ...] = COLUMN_NAMES, max_rows: int | None = MAX_ROWS
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV file as (spreadsheet row number, {column: text}), every
    column required (``portal.csvfiles.read_rows``). Raises ``CsvFileError``."""
    return csvfiles.read_rows(
        data,
        columns,
        max_rows=max_rows,
        too_many=(
            "a return takes at most {max_rows:,}. Combine lines (one per "
            "occupation, region, employment and bargaining status)."
        ),
        no_rows="Add one line per occupation, region, employment and bargaining status.",
    )


def renumbered(numbers: list[int]) -> str:
    """What to tell the uploader when blank rows between the file's lines are left out, so
    that the draft's rows (numbered from 2 without gaps) differ from the file's; else ""."""
    first = validation.FIRST_ROW
    last = first + len(numbers) - 1
    if not numbers or numbers[-1] == last:
        return ""
    where = (
        f"the lines are rows {first} to {last}" if len(numbers) > 1 else f"the line is row {first}"
    )
    return f" The file's blank rows were left out: here {where}."


def parse_rows(
    rows: Iterable[tuple[int, Mapping]], codes: validation.Codes
) -> tuple[list[dict], list[validation.Problem]]:
    """Rows to lines; the problems of every malformed cell, by row and column."""
    lines, problems = [], []
    for number, raw in rows:
        line, errors = validation.parse_line(raw, codes)
        lines.append(line)
        problems.extend(
            validation.Problem(validation.row_place(number), column, message)
            for column, message in errors.items()
        )
    return lines, problems


# --- downloads ---------------------------------------------------------------------------


def write(lines: Iterable[Mapping[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for line in lines:
        writer.writerow([line.get(name, "") for name in COLUMN_NAMES])
    return out.getvalue()


def template() -> str:
    return write([])


EXAMPLE = [
    (
        "42201",
        "mainland-southwest",
        "regular_full_time",
        "union",
        "24,26,24.5,9,7,5,1,1,0,2,3,3,1,26.50,28.75,31.00",
    ),
    (
        "42201",
        "mainland-southwest",
        "casual",
        "union",
        "15,14,4.2,6,7,6,0,0,1,3,4,0,0,25.80,26.90,28.10",
    ),
    (
        "42203",
        "mainland-southwest",
        "regular_part_time",
        "union",
        "12,12,8.4,2,2,1,1,0,0,0,1,1,0,,,",
    ),
    (
        "42202",
        "vancouver-island-coast",
        "regular_part_time",
        "non_union",
        "10,11,7.2,3,2,2,0,0,0,0,1,2,1,24.00,25.50,27.25",
    ),
    (
        "40030",
        "mainland-southwest",
        "regular_full_time",
        "excluded",
        "3,3,3,0,0,0,0,0,0,0,0,0,0,41.00,45.50,49.00",
    ),
]


def example(unionized: bool = True) -> str:
    """A few realistic lines; the union lines become non-union for a non-unionized agency."""
    lines = []
    for occupation, region, employment, bargaining, numbers in EXAMPLE:
        if bargaining == "union" and not unionized:
            bargaining = "non_union"
        values = dict(zip(COLUMN_NAMES[4:], numbers.split(","), strict=True))
        lines.append(
            {
                "occupation": occupation,
                "region": region,
                "employment_status": employment,
                "bargaining_status": bargaining,
                **values,
            }
        )
    return write(lines)
