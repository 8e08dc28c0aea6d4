"""CSV files people upload (a workforce return's lines, a batch of jobs): bytes in, rows
out, or a ``CsvFileError`` whose message says what is wrong with the file and what to do
(an Excel workbook, the wrong text encoding, semicolons, missing or unknown columns, too
many rows). Rows are named as a spreadsheet program shows them: the header is row 1, so the
first line of data is "Row 2 (the first line of data)". Nothing here touches the database."""

import csv
import io

FIRST_ROW = 2  # the header is row 1: the first line of data is row 2, as a spreadsheet shows
SAVE_AS_UTF8 = (
    "In Excel choose File › Save As (or Save a Copy), pick the file type "
    "“CSV UTF-8 (Comma delimited) (*.csv)” and upload that file."
)


class CsvFileError(Exception):
    """The file cannot be read as our CSV; the message says why and what to do."""


def row_place(number: int) -> str:
    """How every message names a line: by the row a spreadsheet program shows for it. The
    header is row 1, so the first line of data is "Row 2 (the first line of data)"."""
    if number == FIRST_ROW:
        return f"Row {FIRST_ROW} (the first line of data)"
    return f"Row {number}"


def rows_place(first: int, second: int) -> str:
    """Two rows, e.g. for a duplicate: "Rows 8 and 12", "Row 2 (the first line of data) and
    row 12"."""
    if first == FIRST_ROW:
        return f"{row_place(first)} and row {second}"
    return f"Rows {first} and {second}"


def decode(data: bytes, windows_1252: bool = False) -> str:
    """The file's text: UTF-8, with or without the byte-order mark Excel's "CSV UTF-8"
    starts with; with ``windows_1252``, also the Windows-1252 text of Excel's plain "CSV
    (Comma delimited)" type (else that is refused, saying how to save UTF-8)."""
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
    if b"\x00" in data:  # UTF-16 text (Excel's "Unicode Text"), or not text at all
        raise CsvFileError(
            "The file contains NUL characters: it is not a CSV text file (it may be "
            "“Unicode Text” or a binary file). " + SAVE_AS_UTF8
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if windows_1252:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        raise CsvFileError("The file is neither UTF-8 nor Windows-1252 text. " + SAVE_AS_UTF8)
    raise CsvFileError(
        "The file is not in UTF-8: it looks like Windows-1252 text (Excel's "
        "plain “CSV (Comma delimited)” type). " + SAVE_AS_UTF8
    )


def _plural(words: list[str]) -> str:
    return "s" if len(words) > 1 else ""


def header_problems(
    header: list[str], columns: tuple[str, ...], required: tuple[str, ...] | None = None
) -> list[str]:
    """What is wrong with a header row (lower-cased names): the ``required`` columns it
    lacks (default: all of ``columns``), names not in ``columns``, names given twice."""
    seen: set[str] = set()
    duplicates = sorted({h for h in header if h in seen or seen.add(h)})
    missing = [c for c in (columns if required is None else required) if c not in header]
    unknown = [h for h in header if h and h not in columns]
    problems = []
    if missing:
        problems.append(f"Missing column{_plural(missing)}: {', '.join(missing)}.")
    if unknown:
        problems.append(f"Unknown column{_plural(unknown)}: {', '.join(unknown)}.")
    if duplicates:
        problems.append(f"Column{_plural(duplicates)} given twice: {', '.join(duplicates)}.")
    return problems


def read_rows(
    data: bytes,
    columns: tuple[str, ...],
    *,
    required: tuple[str, ...] | None = None,
    max_rows: int | None = None,
    too_many: str = "",
    no_rows: str = "",
    windows_1252: bool = False,
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV file as (spreadsheet row number, {column: text}), the header
    being row 1; its names are matched whatever their case and order, and a column left
    out of the file (only those not ``required``) is missing from the rows. Blank rows are
    skipped but still counted (a spreadsheet shows them); a quoted cell with a line break
    stays one row. ``too_many`` (with ``{max_rows:,}``) and ``no_rows`` finish the messages
    for more than ``max_rows`` rows and for none. Raises ``CsvFileError``."""
    text = decode(data, windows_1252)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise CsvFileError(f"The file cannot be read as CSV: {exc}.") from None
    if raw_header is None or not any(cell.strip() for cell in raw_header):
        raise CsvFileError(
            "The first row is empty: it must be the header row of the "
            f"template ({', '.join(columns[:2])}, ...)."
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
    problems = header_problems(header, columns, required)
    if problems:
        raise CsvFileError(
            "The header row does not match the template. "
            + " ".join(problems)
            + f" The columns are: {', '.join(columns)}."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    number = 1
    try:
        for number, cells in enumerate(reader, start=FIRST_ROW):
            if not any(cell.strip() for cell in cells):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise CsvFileError(
                    f"The file has more than {max_rows:,} lines; "
                    + too_many.format(max_rows=max_rows)
                )
            if len(cells) != len(header):
                raise CsvFileError(
                    f"{row_place(number)} has {len(cells)} values but the header has "
                    f"{len(header)} columns. Check for stray commas (put "
                    "text containing commas in quotes)."
                )
            rows.append((number, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CsvFileError(
                f"{row_place(number + 1)} has a cell longer than {csv.field_size_limit():,} "
                "characters: no column takes that much text."
            ) from None
        raise CsvFileError(f"The file cannot be read as CSV: {exc}.") from None
    if not rows:
        raise CsvFileError("The file has a header row but no lines. " + no_rows)
    return rows
