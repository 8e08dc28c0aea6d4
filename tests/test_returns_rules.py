"""Workforce return rules and CSV reading as pure functions (no database, no app): every
validation rule, every warning, and every malformed-file case of ``csvfile.read_rows``."""

import csv
import io

import pytest

from portal.returns import csvfile, validation
from portal.returns.columns import COLUMN_NAMES, IMPORT_COLUMNS

CODES = validation.Codes(
    frozenset({"42201", "42202", "00013"}), frozenset({"mainland-southwest", "kootenay"})
)
GOOD = {
    "occupation": "42201",
    "region": "mainland-southwest",
    "employment_status": "regular_full_time",
    "bargaining_status": "non_union",
    "opening_headcount": 20,
    "closing_headcount": 20,
    "fte": 18.5,
    "hires": 4,
    "separations": 4,
    "sep_voluntary": 2,
    "sep_retirement": 1,
    "sep_involuntary": 1,
    "sep_other": 0,
    "sep_within_90_days": 1,
    "sep_within_1_year": 2,
    "vacancies": 3,
    "vacancies_90_days": 1,
    "pay_p25_cents": 2600,
    "pay_median_cents": 2800,
    "pay_p75_cents": 3100,
}
GOOD_TEXT = {**validation.as_text(GOOD)}
FIRST = "Row 2 (the first line of data)"  # the first line of data, as spreadsheets number it


def check(*lines, unionized=False, previous=None):
    return validation.check_return(
        list(lines), unionized=unionized, minimum_wage_cents=1785, previous_closing=previous or {}
    )


def line(**changes):
    return {**GOOD, **changes}


def test_a_good_line_has_no_errors_or_warnings():
    assert check(line()) == ([], [])
    assert check(line(pay_p25_cents=None, pay_median_cents=None, pay_p75_cents=None)) == ([], [])
    assert check(line(bargaining_status="union"), unionized=True) == ([], [])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"sep_voluntary": 3},
            f"{FIRST}, Separations — total: voluntary + retirement + involuntary "
            "+ other = 5, but the total is 4.",
        ),
        (
            {"hires": None},
            "Row 2 (the first line of data), Hires: blank — enter 0 if there were none",
        ),
        ({"fte": None}, "Row 2 (the first line of data), FTE: blank — enter 0 if there were none"),
        (
            {"sep_within_90_days": 3},
            "Row 2 (the first line of data), Separations within 90 days of hire: 3 left within 90 "
            "days of hire, more than the 2 who left within 1 year",
        ),
        (
            {"sep_within_1_year": 5, "sep_within_90_days": 1},
            f"{FIRST}, Separations within 1 year of hire: 5 left within 1 year of hire, "
            "more than the 4 separations in total.",
        ),
        (
            {"vacancies_90_days": 4},
            "Row 2 (the first line of data), Vacancies open 90+ days: 4 vacancies open 90+ days, "
            "more than the 3 vacancies in total.",
        ),
        (
            {"fte": 26.5},
            f"{FIRST}, FTE: 26.5 FTE is more than 1.3 × the closing headcount of 20 (at most 26).",
        ),
        (
            {"pay_p75_cents": None},
            f"{FIRST}, Hourly pay — 75th percentile: missing — pay is optional, but give all three",
        ),
        (
            {"pay_p25_cents": 2900},
            f"{FIRST}, Hourly pay — median: the pay percentiles are out of order",
        ),
        (
            {"pay_p25_cents": 1700},
            "Row 2 (the first line of data), Hourly pay — 25th percentile: $17.00 an hour is below "
            "BC's minimum wage ($17.85).",
        ),
        (
            {"bargaining_status": "union"},
            f"{FIRST}, Bargaining status: a union line, but your agency is not unionized",
        ),
    ],
)
def test_hard_errors(changes, expected):
    errors, _ = check(line(**changes))
    assert any(e.text.startswith(expected) for e in errors), [e.text for e in errors]


def test_duplicate_lines_and_empty_return():
    errors, _ = check(line(), line(), line(employment_status="casual"))
    assert [e.text for e in errors] == [
        "Row 3: the same occupation, region, employment status and bargaining status as "
        "row 2 (the first line of data): combine them into one line."
    ]
    errors, _ = check()
    assert errors[0].text.startswith("The return has no lines")


@pytest.mark.parametrize(
    ("changes", "previous", "expected"),
    [
        # 20 + 4 − 4 = 20 vs 21: 1 is 4.8 % of 21
        (
            {"closing_headcount": 21},
            None,
            "Row 2 (the first line of data), Closing headcount: opening 20 + hires 4 − "
            "separations 4 = 20, but the closing headcount is 21.",
        ),
        # closing 0: any difference
        (
            {
                "opening_headcount": 1,
                "closing_headcount": 0,
                "hires": 0,
                "separations": 0,
                "sep_voluntary": 0,
                "sep_retirement": 0,
                "sep_involuntary": 0,
                "sep_within_90_days": 0,
                "sep_within_1_year": 0,
                "fte": 0,
                "vacancies": 0,
                "vacancies_90_days": 0,
            },
            None,
            f"{FIRST}, Closing headcount: opening 1 + hires 0 − separations 0 = 1",
        ),
        (
            {},
            {("42201", "mainland-southwest", "regular_full_time", "non_union"): 18},
            f"{FIRST}, Opening headcount: 20, but last year's return gave a closing "
            "headcount of 18",
        ),
        (
            {
                "opening_headcount": 4,
                "closing_headcount": 4,
                "fte": 4,
                "hires": 8,
                "separations": 8,
                "sep_voluntary": 8,
                "sep_retirement": 0,
                "sep_involuntary": 0,
                "sep_within_1_year": 2,
            },
            None,
            f"{FIRST}, Separations — total: turnover of 200% (8 separations for an average "
            "headcount of 4) is above 150 %.",
        ),
    ],
)
def test_warnings(changes, previous, expected):
    errors, warnings = check(line(**changes), previous=previous)
    assert errors == []
    assert [w.text for w in warnings if w.text.startswith(expected)], [w.text for w in warnings]


def test_only_turnover_holds_a_return_and_small_gaps_pass():
    # 1 of 60 (1.7 %) is within the 2 % tolerance
    assert check(
        line(opening_headcount=59, closing_headcount=60, fte=50, hires=5, separations=4)
    ) == ([], [])
    _, flow = check(line(closing_headcount=21))
    assert not validation.holds_for_review(flow)
    _, turnover = check(line(opening_headcount=2, closing_headcount=2, fte=2))
    assert validation.holds_for_review(turnover)


@pytest.mark.parametrize(
    ("column", "typed", "message"),
    [
        ("hires", "-3", "-3 is negative — counts are 0 or more."),
        ("hires", "2.5", "2.5 is not a whole number."),
        ("hires", "abc", "“abc” is not a number."),
        ("fte", "x", "“x” is not a number."),
        ("pay_median", "27.123", "27.123 has more than two decimals"),
        ("pay_median", "twenty", "“twenty” is not an amount in dollars"),
        ("occupation", "99999", "unknown code “99999”"),
        ("region", "atlantis", "unknown code “atlantis”"),
        ("employment_status", "permanent", "unknown code “permanent” — one of regular_full_time"),
        ("bargaining_status", "", "missing — one of union, non_union, excluded."),
    ],
)
def test_parse_errors(column, typed, message):
    _, errors = validation.parse_line({**GOOD_TEXT, column: typed}, CODES)
    assert errors[column].startswith(message), errors


def test_parse_accepts_what_people_type():
    values, errors = validation.parse_line(
        {
            **GOOD_TEXT,
            "occupation": "13",
            "region": " Kootenay ",
            "employment_status": "Regular full-time",
            "hires": "1,204",
            "opening_headcount": "",
            "pay_p25": "$26",
            "pay_median": "28.5",
            "pay_p75": "31.00",
        },
        CODES,
    )
    assert errors == {}
    assert values["occupation"] == "00013"  # a spreadsheet dropped the leading zero
    assert values["region"] == "kootenay"
    assert values["employment_status"] == "regular_full_time"
    assert values["hires"] == 1204 and values["opening_headcount"] is None
    assert (values["pay_p25_cents"], values["pay_median_cents"], values["pay_p75_cents"]) == (
        2600,
        2850,
        3100,
    )


# --- CSV files ---------------------------------------------------------------------------


def csv_text(rows, header=COLUMN_NAMES, delimiter=",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def read_error(data: bytes, columns=COLUMN_NAMES) -> str:
    with pytest.raises(csvfile.CsvFileError) as caught:
        csvfile.read_rows(data, columns)
    return str(caught.value)


def test_reads_a_file_with_excel_byte_order_mark_and_blank_rows():
    data = "\ufeff".encode() + (csv_text([GOOD_TEXT, {}, GOOD_TEXT]).encode())
    rows = csvfile.read_rows(data)
    assert [number for number, _ in rows] == [2, 4]
    assert rows[0][1]["occupation"] == "42201"


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    """Header row 1; a blank row of commas and an empty line count; a quoted cell with line
    breaks is one row; so are the messages and the rules' places."""

    def row(values) -> str:  # one data row as Excel writes it
        return csv_text([values]).split("\r\n", 1)[1]

    text = (
        csv_text([GOOD_TEXT])  # header row 1, row 2
        + "\r\n"  # row 3: an empty line
        + row({})  # row 4: commas only
        + row({**GOOD_TEXT, "region": "south\r\nwest"})  # row 5, over two lines of text
        + row({**GOOD_TEXT, "hires": "x"})  # row 6
    )
    rows = csvfile.read_rows(text.encode())
    assert [number for number, _ in rows] == [2, 5, 6]
    _, problems = csvfile.parse_rows(rows, CODES)
    assert [p.text for p in problems] == [
        "Row 5, Region: unknown code “south\r\nwest” — see the column guide for the codes.",
        "Row 6, Hires: “x” is not a number.",
    ]
    _, problems = csvfile.parse_rows([(2, {**GOOD_TEXT, "fte": "-1"})], CODES)
    assert (
        problems[0].text
        == "Row 2 (the first line of data), FTE: -1 is negative — FTE is 0 or more."
    )
    errors, _ = validation.check_return(
        [line(hires=None), line(employment_status="casual")],
        unionized=False,
        minimum_wage_cents=1785,
        rows=[2, 9],
    )
    assert [e.text for e in errors][0] == (
        "Row 2 (the first line of data), Hires: blank — enter 0 if there were none."
    )
    errors, _ = check(line(employment_status="casual"), line(hires=None))
    assert errors[0].text.startswith("Row 3, Hires: blank")
    assert validation.rows_place(8, 12) == "Rows 8 and 12"
    assert validation.rows_place(2, 5) == "Row 2 (the first line of data) and row 5"


def test_template_and_example():
    assert csvfile.template().strip() == ",".join(COLUMN_NAMES)
    lines, problems = csvfile.parse_rows(
        csvfile.read_rows(csvfile.example(False).encode()),
        validation.Codes(
            frozenset({"42201", "42202", "42203", "40030"}),
            frozenset({"mainland-southwest", "vancouver-island-coast"}),
        ),
    )
    assert problems == []
    assert check(*lines) == ([], [])
    assert "union" not in {line["bargaining_status"] for line in lines}
    assert "union" in csvfile.example(True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "This is an Excel workbook (.xlsx), not a CSV file. In Excel choose File › Save As",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is an Excel workbook in the old format (.xls)"),
        (
            csv_text([{**GOOD_TEXT, "region": "Région"}]).encode("cp1252"),
            "The file is not in UTF-8: it looks like Windows-1252",
        ),
        (csv_text([GOOD_TEXT], delimiter=";").encode(), "The columns are separated by semicolons"),
        (csv_text([]).encode(), "The file has a header row but no lines."),
        (
            csv_text([GOOD_TEXT], header=COLUMN_NAMES[:-1] + ("wage",)).encode(),
            "The header row does not match the template. Missing column: pay_p75. Unknown column: "
            "wage.",
        ),
        (
            csv_text([GOOD_TEXT]).encode() + b"42201,kootenay,casual\r\n",
            "Row 3 has 3 values but the header has 20 columns.",
        ),
        (csv_text([GOOD_TEXT] * 50_000).encode(), "The file has more than 5,000 lines"),
    ],
)
def test_malformed_files(data, message):
    assert read_error(data).startswith(message)


def test_import_columns_are_checked_too():
    assert "Missing columns: agency, fiscal_year." in read_error(
        csv_text([GOOD_TEXT]).encode(), IMPORT_COLUMNS
    )
