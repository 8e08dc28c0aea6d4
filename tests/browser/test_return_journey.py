"""The workforce-return journey in Chromium: an agency owner downloads the example CSV,
uploads it into a draft, submits; the HR champion accepts the return and opens the
labour-market dashboard, whose charts are server-drawn SVG with their tables."""

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import ReportingPeriod, WorkforceReturn
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
    sign_in(page, live_server, owner_email)
    page.goto(live_server + "/agency/returns")
    expect(page.get_by_role("heading", name="Workforce returns")).to_be_visible()
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
    confirm = page.get_by_label("I checked the warnings above: the numbers are right")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("button", name="Submit the return")).to_have_count(0)
    expect(page.get_by_text(re.compile("Submitted")).first).to_be_visible()

    wreturn = db.session.scalar(select(WorkforceReturn))
    assert wreturn.status == "submitted" and wreturn.source == "csv" and wreturn.is_current
    assert len(wreturn.lines) >= 3

    # the champion accepts it
    page.context.clear_cookies()
    sign_in(page, live_server, champion.email)
    page.goto(live_server + f"/returns/{wreturn.id}")
    page.get_by_role("button", name="Accept the return").click()
    expect(page.get_by_role("button", name="Accept the return")).to_have_count(0)
    expect(page.get_by_text(re.compile("Accepted")).first).to_be_visible()
    db.session.expire_all()
    assert db.session.get(WorkforceReturn, wreturn.id).status == "accepted"

    # the dashboard: accessible SVG charts, each with its data table
    page.goto(live_server + "/lmi")
    chart = page.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-labelledby")
    expect(page.locator("table").first).to_be_visible()
