"""The workforce-return journey in Chromium: an agency owner downloads the example CSV,
uploads it into a draft, submits; the HR champion accepts the return and opens the
labour-market dashboard, whose charts are server-drawn SVG with their tables.

A return fixed after an error, with the demo loaded: a file with a word for a number is
refused with the row and the reason, the corrected file loads; a line added from the
keyboard alone (Tab, type-ahead in the lists, Enter) comes back with its error, the error
summary takes the focus and its link leads to the field; corrected, the return is
submitted. Every page passes axe-core's WCAG 2.2 AA checks at 1280 and 375 px."""

import csv
import io
import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.services import DEMO_DOMAIN, UNREPORTED_AGENCY
from portal.models import Agency, ReportingPeriod, WorkforceReturn
from tests.support.accessibility import Checker, report
from tests.support.browser import sign_in


def test_agency_reports_and_champion_accepts(
    browser, page, live_server, mailbox, db, make_user, make_agency, tmp_path
):
    agency = make_agency(name="Harbour Community Living", unionized=True)
    owner_email = agency.owner.email
    champion = make_user(role="champion", name="Harper Champion")
    db.session.add(ReportingPeriod(fiscal_year=2025, due_on=date(2027, 1, 15)))
    db.session.commit()

    # the owner downloads the example, starts the return and uploads the file
    checker = Checker.on(page, live_server)
    sign_in(page, live_server, owner_email)
    page.goto(live_server + "/agency/returns")
    expect(page.get_by_role("heading", name="Workforce returns")).to_be_visible()
    checker.check("returns")
    example = page.request.get(live_server + "/returns/example.csv")
    assert example.ok
    path = tmp_path / "our-return.csv"
    path.write_bytes(example.body())
    page.get_by_role("button", name="Start the return").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"Workforce return 2025.26"))
    ).to_be_visible()
    page.locator("input#file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and replace the lines").click()
    expect(page.get_by_role("button", name="Submit the return")).to_be_visible()
    checker.check("return-draft")
    confirm = page.get_by_label("I checked the warnings above: the numbers are right")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("button", name="Submit the return")).to_have_count(0)
    expect(page.get_by_text(re.compile("Submitted")).first).to_be_visible()
    checker.check("return-submitted")

    wreturn = db.session.scalar(select(WorkforceReturn))
    assert wreturn.status == "submitted" and wreturn.source == "csv" and wreturn.is_current
    assert len(wreturn.lines) >= 3

    # the champion accepts it
    page.context.clear_cookies()
    sign_in(page, live_server, champion.email)
    page.goto(live_server + f"/returns/{wreturn.id}")
    checker.check("return-review")
    page.get_by_role("button", name="Accept the return").click()
    expect(page.get_by_role("button", name="Accept the return")).to_have_count(0)
    expect(page.get_by_text(re.compile("Accepted")).first).to_be_visible()
    checker.check("return-accepted")
    db.session.expire_all()
    assert db.session.get(WorkforceReturn, wreturn.id).status == "accepted"

    # the dashboard: accessible SVG charts, each with its data table
    page.goto(live_server + "/lmi")
    chart = page.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-labelledby")
    expect(page.locator("table").first).to_be_visible()
    checker.check("lmi")
    assert not checker.problems, report(checker.problems)


def test_a_return_fixed_after_an_error(demo, browser, live_server, db, tmp_path):
    owner = Checker(browser, live_server, f"owner.{UNREPORTED_AGENCY}@{DEMO_DOMAIN}")
    page = owner.page
    page.get_by_role("link", name="Workforce returns").click()
    expect(page.get_by_role("heading", name="Workforce returns")).to_be_visible()
    owner.check("returns")
    page.get_by_role("button", name="Start the return").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Workforce return \d{4}.\d\d"))
    ).to_be_visible()
    owner.check("return-draft-empty")

    # a file with a word for a number: refused, the row and the word named, nothing loaded
    header, *rows = csv.reader(
        io.StringIO(page.request.get(live_server + "/returns/example.csv").text())
    )
    hires = header.index("hires")
    typed, rows[1][hires] = rows[1][hires], "twelve"
    path = tmp_path / "our-return.csv"
    path.write_text(to_csv([header, *rows]), encoding="utf-8")
    upload = page.get_by_label("CSV file", exact=True)
    upload.set_input_files(str(path))
    page.get_by_role("button", name="Upload and replace the lines").click()
    refused = page.locator("#upload-errors")
    expect(refused).to_contain_text("The file was not loaded")
    owner.has_focus(refused, "return-upload-refused")  # read out at once, as a summary is
    expect(refused.get_by_role("listitem")).to_have_count(1)
    # the second line of data is row 3 (the header is row 1), as a spreadsheet shows it
    expect(refused).to_contain_text(re.compile(r"\b3\b.*twelve|twelve.*\b3\b"))
    expect(page.get_by_role("heading", name="Lines (0)")).to_be_visible()
    owner.check("return-upload-refused")

    # corrected, the file loads
    rows[1][hires] = typed
    path.write_text(to_csv([header, *rows]), encoding="utf-8")
    upload.set_input_files(str(path))
    page.get_by_role("button", name="Upload and replace the lines").click()
    expect(page.get_by_role("heading", name=f"Lines ({len(rows)})")).to_be_visible()
    owner.check("return-lines")

    # a line from the keyboard alone: its bargaining status forgotten, its separations
    # not adding up
    owner.tab_to(page.get_by_role("link", name="Add a line"), "return-lines")
    owner.press("Enter", "return-lines", navigates=True)
    expect(page.get_by_role("heading", name="Add a line")).to_be_visible()
    owner.check("line-new")
    owner.tab_to(page.get_by_label("Occupation (NOC 2021)"), "line-new")
    page.keyboard.type("41300")  # type-ahead: the option that starts so
    for text in ("Vancouver I", "Regular p"):  # region, employment status
        owner.press("Tab", "line-new")
        page.keyboard.type(text)
    for label, value in FIGURES.items():
        owner.tab_to(page.get_by_label(label, exact=True), "line-new")
        page.keyboard.type(value)
    owner.tab_to(page.get_by_role("button", name="Save line"), "line-new")
    owner.press("Enter", "line-new", navigates=True)

    # the error summary has the focus; its link leads to the field, kept as typed
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(1)
    owner.check("line-new-errors")
    link = summary.get_by_role("link")
    owner.tab_to(link, "line-new-errors")
    owner.press("Enter", "line-new-errors")
    field = page.get_by_label("Bargaining status")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Hires", exact=True)).to_have_value(FIGURES["Hires"])
    page.keyboard.type("Non")
    owner.tab_to(page.get_by_role("button", name="Save line"), "line-new-errors")
    owner.press("Enter", "line-new-errors", navigates=True)
    expect(page.get_by_role("heading", name=f"Lines ({len(rows) + 1})")).to_be_visible()

    # the return's error names the line's row; its Edit link, then the figure corrected
    error = page.locator("#errors").get_by_role("listitem")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("Separations — total")
    row = re.search(r"\b(\d+)\b", error.inner_text()).group(1)
    owner.check("return-line-error")
    owner.tab_to(page.get_by_role("link", name=f"Edit row {row}"), "return-line-error")
    owner.press("Enter", "return-line-error", navigates=True)
    owner.check("line-edit")
    owner.tab_to(page.get_by_label("Separations — voluntary", exact=True), "line-edit")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    owner.tab_to(page.get_by_role("button", name="Save line"), "line-edit")
    owner.press("Enter", "line-edit", navigates=True)
    expect(page.locator("#errors")).to_have_count(0)
    owner.check("return-fixed")

    confirm = page.get_by_label("I checked the warnings above: the numbers are right")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Submit the return").click()
    expect(
        page.get_by_text(re.compile(r"Thank you: version 1 of the return is submitted"))
    ).to_be_visible()
    owner.check("return-submitted")
    agency_id = db.session.scalar(select(Agency.id).where(Agency.slug == UNREPORTED_AGENCY))
    db.session.expire_all()
    wreturn = db.session.scalar(
        select(WorkforceReturn).where(WorkforceReturn.agency_id == agency_id)
    )
    assert wreturn.status in ("submitted", "held") and len(wreturn.lines) == len(rows) + 1
    added = [line for line in wreturn.lines if line.occupation.noc_code == "41300"]
    assert [(line.sep_voluntary, line.separations) for line in added] == [(1, 1)]
    owner.close()
    assert not owner.problems, report(owner.problems)


FIGURES = {
    "Opening headcount": "4",
    "Closing headcount": "5",
    "FTE": "3.5",
    "Hires": "2",
    "Separations — total": "1",
    "Separations — voluntary": "0",
    "Separations — retirement": "0",
    "Separations — involuntary": "0",
    "Separations — other": "0",
    "Separations within 90 days of hire": "0",
    "Separations within 1 year of hire": "0",
    "Vacancies": "1",
    "Vacancies open 90+ days": "0",
}


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
