"""Return lines as CSV: the template and example an agency downloads, and reading an
uploaded (or imported) file into rows with clear messages for files that are not what we
asked for (Excel workbooks, Windows-1252 text, semicolons, wrong columns, too many rows).

Reading is pure: bytes in, rows or a ``CsvFileError`` out; nothing touches the database."""

import csv
import io
from collections.abc import Iterable, Mapping

from portal.returns import validation
from portal.returns.columns import COLUMN_NAMES

MAX_ROWS = 5000
SAVE_AS_UTF8 = (
    "In Excel choose File › Save As (or Save a Copy), pick the file type "
    "“CSV UTF-8 (Comma delimited) (*.csv)” and upload that file."
)


class CsvFileError(Exception):
    """The file cannot be read as our CSV; the message says why and what to do."""


def _decode(data: bytes) -> str:
    if not data.strip():
        raise CsvFileError(
            "The file is empty. Download the template, add your lines below "
            "the header row and upload it again."
        )
    if data.startswith(b"PK\x03\x04"):
        raise CsvFileError("This is an Excel workbook (.xlsx), not a CSV file. " + SAVE_AS_UTF8)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(
            "This is an Excel workbook in the old format (.xls), not a CSV file. " + SAVE_AS_UTF8
        )
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        pass
    raise CsvFileError(
        "The file is not in UTF-8: it looks like Windows-1252 text (Excel's "
        "plain “CSV (Comma delimited)” type). " + SAVE_AS_UTF8
    )


def _header_problems(header: list[str], columns: tuple[str, ...]) -> list[str]:
    problems = []
    seen = set()
    duplicates = sorted({h for h in header if h in seen or seen.add(h)})
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h and h not in columns]
    if missing:
        problems.append(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
    if unknown:
        problems.append(f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
    if duplicates:
        problems.append(
            f"Column{'s' if len(duplicates) > 1 else ''} given twice: {', '.join(duplicates)}."
        )
    return problems


def read_rows(
    data: bytes, columns: tuple[str, ...] = COLUMN_NAMES, max_rows: int | None = MAX_ROWS
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV file as (spreadsheet row number, {column: text}): the
    number a spreadsheet program shows for the row, the header being row 1. Blank rows are
    skipped but still counted (a spreadsheet shows them); a quoted cell with a line break
    stays one row. Raises ``CsvFileError``."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise CsvFileError(f"The file cannot be read as CSV: {exc}.") from None
    if raw_header is None or not any(cell.strip() for cell in raw_header):
        raise CsvFileError(
            "The first row is empty: it must be the header row of the "
            "template (occupation, region, ...)."
        )
    header = [cell.strip().lower() for cell in raw_header]
    if len(header) == 1 and ";" in header[0]:
        raise CsvFileError(
            "The columns are separated by semicolons (;), not commas. This "
            "happens when Windows uses a comma for decimals. "
            + SAVE_AS_UTF8
            + " If the file still has semicolons, change the list separator to "
            "a comma in Windows' region settings, or use the web form."
        )
    problems = _header_problems(header, columns)
    if problems:
        raise CsvFileError(
            "The header row does not match the template. "
            + " ".join(problems)
            + f" The columns are: {', '.join(columns)}."
        )
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise CsvFileError(
                    f"The file has more than {max_rows:,} lines; a return "
                    f"takes at most {max_rows:,}. Combine lines (one per "
                    "occupation, region, employment and bargaining status)."
                )
            if len(cells) != len(header):
                raise CsvFileError(
                    f"{validation.row_place(number)} has {len(cells)} values but the header has "
                    f"{len(header)} columns. Check for stray commas (put "
                    "text containing commas in quotes)."
                )
            rows.append((number, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise CsvFileError(f"The file cannot be read as CSV: {exc}.") from None
    if not rows:
        raise CsvFileError(
            "The file has a header row but no lines. Add one line per "
            "occupation, region, employment and bargaining status."
        )
    return rows


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
