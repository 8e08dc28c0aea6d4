"""The HR champion's dashboard and extracts (CSV, XLSX, the command line) and agencies'
benchmark page: what is shown, what is hidden, formula injection, the audit log.
Who may use each route is in ``tests/support/access/lmi.py``."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.lmi import extracts
from portal.lmi.confidentiality import TOTAL
from portal.lmi.figures import Cell, Table
from portal.models import AuditEvent, Subsector
from tests.support import text
from tests.support.lmi import Sector, add_return, build_five, line

MEASURE_COLUMNS = extracts.HEADER[8:]


@pytest.fixture
def five(db, make_agency):
    return build_five(db, make_agency)


@pytest.fixture
def champion(client, login, make_user):
    user = make_user(role="champion", two_step=True)
    login(client, user)
    return user


def csv_rows(response) -> list[dict]:
    reader = csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))
    assert reader.fieldnames == extracts.HEADER
    return list(reader)


def xlsx_rows(data: bytes) -> tuple[list[dict], object]:
    book = load_workbook(io.BytesIO(data))
    rows = list(book["Figures"].iter_rows(values_only=True))
    assert list(rows[0]) == extracts.HEADER
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]], book


def audit_events(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lmi.extract")))


def test_dashboard_shows_figures_with_charts_and_tables(client, champion, five):
    page = text(client.get("/lmi"))
    assert "Headline figures, 2025/26" in page
    assert "28.2 %" in page  # turnover: 20 separations ÷ 71 average headcount
    assert "$29.00" in page  # the weighted median hourly pay
    # trend, 6 breakdowns, response rate (no postings: no postings chart)
    assert page.count('<svg class="lmi-chart" role="img"') == 8
    assert 'aria-labelledby="chart-region-title chart-region-desc"' in page
    assert "x (suppressed)" in page  # both regions have fewer than 5 agencies
    assert '5 <span class="fs-6 text-muted">of 5</span>' in page.replace("\n", "")
    # another chart measure; an unknown period or measure falls back to the defaults
    assert "Hourly pay, median, by region, 2025/26" in text(client.get("/lmi?measure=pay_median"))
    assert client.get("/lmi?period=1999&measure=nope").status_code == 200


def test_charts_never_rely_on_colour_alone(client, champion, five):
    """WCAG 1.4.1: each line of the trend chart has its own marker shape and dash pattern
    and its name in the legend; each bar carries its value as text, a suppressed one is
    hatched and says so; every chart has a title, a description and a table beside it."""
    import re

    page = text(client.get("/lmi"))
    charts = page.split('<svg class="lmi-chart"')[1:]
    assert len(charts) == 8
    for chart in charts:
        svg, after = chart.split("</svg>", 1)
        assert "<title id=" in svg and "<desc id=" in svg
        assert "<table" in after.split('<svg class="lmi-chart"', 1)[0]  # its data table
    trend = next(c.split("</svg>")[0] for c in charts if "<path d=" in c)
    series = re.findall(
        r'<g>\s*<title>([^<]+)</title>\s*<path d="[^"]*" fill="none" stroke="[^"]*" '
        r'stroke-width="2.5"([^/]*)/>\s*<g><title>[^<]*</title><(\w+)',
        trend,
    )
    assert len(series) >= 2
    looks = [(dash, shape) for _, dash, shape in series]
    assert len(set(looks)) == len(looks)  # each line its own dash pattern or marker
    assert {dash for dash, _ in looks} != {""} and {s for _, s in looks} != {"circle"}
    for name, _, _ in series:  # and its name in the legend
        assert re.search(rf'<text x="\d+" y="\d+" fill="#212529">{re.escape(name)}</text>', trend)
    for bars in (c for c in charts if "<path d=" not in c):
        svg = bars.split("</svg>")[0]
        values = re.findall(r'rx="2"/>\s*<text[^>]*>([^<]+)</text>', svg)
        hatched = svg.count('-hatch)"')
        assert len(values) + hatched >= 1 and all(v.strip() for v in values)
        assert svg.count(">x (suppressed)</text>") == hatched


def test_dashboard_and_extract_before_any_period(client, champion):
    assert "No reporting period has been opened yet" in text(client.get("/lmi"))
    response = client.get("/lmi/extract", follow_redirects=True)
    assert "nothing to extract yet" in text(response)


def test_csv_extract_suppressed_cells_and_audit(client, champion, db, five):
    response = client.get("/lmi/extract?format=csv&period=2025&by=region")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment; filename=sector-lmi-2025.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["Category 1"] for r in rows][-1] == "All regions"
    assert len(rows) == 3
    for row in rows[:2]:  # 3 and 2 agencies: every measure hidden
        assert {row[c] for c in MEASURE_COLUMNS} == {"x"}
    total = rows[-1]
    assert total["Period"] == "2025/26" and total["Breakdown"] == "Region"
    assert total["Agencies reporting"] == "5"
    assert total["Turnover rate (%)"] == "28.2"
    assert total["Hourly pay, median ($)"] == "29.0"
    assert total["Category 1 code"] == "all"
    [event] = audit_events(db)
    assert event.user_id == champion.id
    assert "format=csv periods=2025/26 breakdowns=region rows=3 suppressed=2" in event.detail


def test_xlsx_cross_table_with_margins(client, champion, db, five):
    response = client.get("/lmi/extract?format=xlsx&period=2025&rows=region&columns=cssea_member")
    assert response.status_code == 200
    assert response.mimetype == extracts.FORMATS["xlsx"]
    rows, book = xlsx_rows(response.get_data())
    assert book.sheetnames == ["Figures", "Data dictionary", "Notes"]
    assert {r["Breakdown"] for r in rows} == {"Region × CSSEA membership"}
    # 2 regions × 2 memberships (all present), 2 + 2 margins, the grand total
    assert len(rows) == 9
    grand = rows[-1]
    assert (grand["Category 1"], grand["Category 2"]) == ("All regions", "Members and non-members")
    assert grand["Turnover rate (%)"] == 28.2 and grand["Agencies reporting"] == 5
    assert grand["Hires"] == 22 and grand["Average headcount"] == 71
    for row in rows[:-1]:  # at most 3 agencies each
        assert {row[c] for c in MEASURE_COLUMNS} == {"x"}
    dictionary = {r[0]: r for r in book["Data dictionary"].iter_rows(values_only=True) if r}
    assert "Σ separations" in dictionary["turnover_rate"][4]
    assert "weighted median" in dictionary["pay_median"][3]
    notes = " ".join(r[0] for r in book["Notes"].iter_rows(values_only=True) if r and r[0])
    assert "at least 5 agencies" in notes and "25 %" in notes and "10 or more" in notes
    [event] = audit_events(db)
    assert "breakdowns=region,cssea_member" in event.detail and "format=xlsx" in event.detail


def test_extract_defaults_to_every_period_and_one_way_breakdown(client, champion, five):
    rows = csv_rows(client.get("/lmi/extract"))
    assert len({r["Breakdown"] for r in rows}) == 6
    assert {r["Period"] for r in rows} == {"2025/26"}


def test_extract_rejects_bad_choices(client, champion, db, five):
    for query in (
        "format=pdf",
        "period=1999",
        "period=abc",
        "by=nope",
        "rows=region",
        "by=region,region",
        "by=region,occupation,subsector",
    ):
        response = client.get(f"/lmi/extract?{query}")
        assert response.status_code == 400, query
        assert "could not be made" in text(response)
    assert audit_events(db) == []


def test_formula_like_text_is_neutralised():
    assert extracts.neutralise("=1+2") == "'=1+2"
    for start in ("+", "-", "@", "\t", "\r"):
        assert extracts.neutralise(f"{start}x") == f"'{start}x"
    assert extracts.neutralise("Cariboo") == "Cariboo"
    assert extracts.neutralise(-3) == -3 and extracts.neutralise(2.5) == 2.5
    labels = [{1: ("=cmd", '=HYPERLINK("http://evil")'), 2: ("@x", "@SUM(A1)")}]
    cells = {
        (1,): Cell((1,), 6, 10, 100),
        (2,): Cell((2,), 6, 10, 100),
        (TOTAL,): Cell((TOTAL,), 12, 10, 200),
    }
    cells[(2,)].hidden = True
    table = Table(2025, ("region",), cells, labels)
    rows = [row for row, _ in extracts.table_rows(table)]
    assert rows[0][3:5] == ["'=cmd", '\'=HYPERLINK("http://evil")']
    assert rows[1][4] == "'@SUM(A1)" and rows[1][8] == "x"
    assert rows[0][8] == 6  # numbers stay numbers


def test_extract_neutralises_formulas_end_to_end(client, champion, db, five):
    subsector = db.session.get(Subsector, Sector.of(db).subsector)
    name = subsector.name
    subsector.name = '=HYPERLINK("http://evil.example","Click")'
    db.session.commit()
    try:
        rows = csv_rows(client.get("/lmi/extract?format=csv&by=subsector"))
        xrows, _ = xlsx_rows(client.get("/lmi/extract?format=xlsx&by=subsector").get_data())
    finally:  # reference data survives between PostgreSQL tests
        subsector.name = name
        db.session.commit()
    assert rows[0]["Category 1"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert xrows[0]["Category 1"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert xrows[-1]["Agencies reporting"] == 5


def test_command_line_export(runner, db, five, tmp_path):
    out = tmp_path / "extract.xlsx"
    result = runner.invoke(
        args=[
            "lmi",
            "export",
            "--period",
            "2025",
            "--by",
            "region",
            "--by",
            "region,employment_status",
            "--output",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 9 rows" in result.output  # 3 + (1 + 2 + 2 + 1 interior/margins/total)
    rows, _ = xlsx_rows(out.read_bytes())
    assert [r["Breakdown"] for r in rows].count("Region") == 3
    assert rows[-1]["Turnover rate (%)"] == 28.2
    [event] = audit_events(db)
    assert event.user_id is None and event.detail.startswith("cli format=xlsx")

    out = tmp_path / "extract.csv"
    result = runner.invoke(args=["lmi", "export", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfPeriod,Breakdown")

    result = runner.invoke(args=["lmi", "export", "--by", "nope", "--output", str(out)])
    assert result.exit_code == 2 and "Unknown breakdown" in result.output
    assert len(audit_events(db)) == 2


# --- the agencies' benchmark ------------------------------------------------------------


def test_benchmark_compares_with_peers_excluding_itself(client, login, db, make_agency):
    sector = Sector.of(db)
    home = [
        make_agency(name=f"Home {i}", community_id=sector.community, subsector_id=sector.subsector)
        for i in range(7)
    ]
    away = [
        make_agency(
            name=f"Away {i}",
            community_id=sector.other_community,
            subsector_id=sector.other_subsector,
        )
        for i in range(3)
    ]
    # the first agency loses half its staff; everyone else a tenth
    add_return(db, home[0], 2025, [line((20, 20, 10, 10, 10, 0, 0, 0, 2, 5, 5, 1))])
    for agency in home[1:] + away:
        add_return(db, agency, 2025, [line((20, 20, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0))])

    login(client, home[0].owner)
    page = text(client.get("/agency/benchmark"))
    assert "How Home 0 compares" in page
    assert "2025/26" in page
    row = page.split("Turnover rate (%)</th>")[1].split("</tr>")[0]
    # itself 10/20; region and subsector peers 12/120; all others 18/180
    assert row.count("50.0 %") == 1 and row.count("10.0 %") == 3
    assert "6 agencies" in page and "9 agencies" in page

    client.post_form("/logout")
    login(client, away[0].owner)  # two peers in its region and subsector: hidden
    page = text(client.get("/agency/benchmark?period=2024"))  # not reported: the latest
    row = page.split("Turnover rate (%)</th>")[1].split("</tr>")[0]
    # itself 10 %, region and subsector peers hidden, all others 26/180 (home 0 included)
    assert row.count("10.0 %") == 1 and row.count(">x<") == 2 and "14.4 %" in row
    assert "2 agencies" not in page and page.count("too few to publish") == 2


def test_benchmark_without_a_return_explains_how_to_unlock(client, login, make_agency):
    agency = make_agency(name="Quiet Agency")
    login(client, agency.owner)
    page = text(client.get("/agency/benchmark"))
    assert "Report to unlock the comparison" in page
    assert 'href="/agency/returns"' in page
