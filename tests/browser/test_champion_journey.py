"""The HR champion's extract, in Chromium with the demo loaded: from the dashboard to the
labour-market figures (another measure shown), the extract form (two periods, one
breakdown, CSV); the first download asks for two-step sign-in, set up on its page with a
code from an authenticator app; the recovery codes lead back and the CSV arrives; a
second extract, XLSX, arrives at once. Then the returns: the reporting periods, the open
period's returns held for review, one of them, the column guide. Every page passes axe-core's
WCAG 2.2 AA checks and fits the screen at 1280 and 375 px."""

import csv
import io
import re
from pathlib import Path

import pyotp
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.lmi import DEMO_FISCAL_YEARS
from portal.demo.services import DEMO_DOMAIN
from portal.lmi.figures import period_label
from portal.models import AuditEvent
from tests.support.accessibility import Checker, report

CHAMPION = f"champion@{DEMO_DOMAIN}"


def test_the_champion_downloads_an_extract_and_reviews_returns(demo, browser, live_server, db):
    champion = Checker(browser, live_server, CHAMPION)
    page = champion.page
    champion.check("dashboard")

    page.get_by_role("link", name="Labour-market figures and extracts").click()
    expect(
        page.get_by_role("heading", name=re.compile("Labour-market", re.I)).first
    ).to_be_visible()
    champion.check("lmi")
    page.get_by_label("Charts by breakdown show").select_option(index=1)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"measure="))
    expect(page.get_by_label("Charts by breakdown show")).not_to_have_value("turnover_rate")

    # the extract: the two latest periods, by region only, as CSV
    form = page.locator("form[action='/lmi/extract']")
    latest, before, *older = sorted(DEMO_FISCAL_YEARS, reverse=True)
    for year in older:
        form.get_by_label(period_label(year)).uncheck()
    breakdowns = form.get_by_role("group", name=re.compile("^Breakdowns"))
    for box in breakdowns.get_by_role("checkbox").all():
        box.uncheck()
    breakdowns.get_by_label("Region", exact=True).check()
    form.get_by_label("CSV").check()
    form.get_by_role("button", name="Download").click()

    # first, two-step sign-in: the key typed into an app, the app's code typed back
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_text("two-step sign-in is required before you download")).to_be_visible()
    champion.check("two-step-setup")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    champion.check("recovery-codes")
    with page.expect_download() as arriving:
        page.get_by_role("link", name="I have saved my codes — continue").click()
    download = arriving.value
    assert download.suggested_filename == f"sector-lmi-{before}-{latest}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[:2] == ["Period", "Breakdown"] and rows, (header, rows[:2])
    assert {row[1] for row in rows} == {"Region"}  # the one breakdown asked for
    assert {row[0] for row in rows} == {period_label(before), period_label(latest)}

    # back on the dashboard, a workbook arrives at once
    page.goto(live_server + "/lmi#extract")
    with page.expect_download() as arriving:
        page.locator("form[action='/lmi/extract']").get_by_role("button", name="Download").click()
    workbook = arriving.value
    assert workbook.suggested_filename.endswith(".xlsx")
    assert Path(workbook.path()).read_bytes()[:2] == b"PK"  # a zip: the XLSX container
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lmi.extract"))
    assert len(events.all()) == 2

    # the workforce returns
    page.get_by_role("link", name="Returns", exact=True).click()
    expect(page.get_by_role("heading", name="Workforce returns: reporting periods")).to_be_visible()
    champion.check("periods")
    page.get_by_role("link", name=period_label(latest)).click()
    heading = f"Workforce returns {period_label(latest)}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()  # name: a substring
    # the returns held for review (all of the period's returns: a long page for axe)
    page.get_by_role("link", name=re.compile(r"^Held for review \(\d+\)")).click()
    page.wait_for_url(re.compile(r"status=held"))
    champion.check("period-held")
    page.get_by_role("link", name=re.compile(r"^Review ")).first.click()
    page.wait_for_url(re.compile(r"/returns/\d+$"))
    expect(page.get_by_role("button", name="Accept the return")).to_be_visible()
    champion.check("return-review")
    champion.visit("/returns/columns", "columns")
    champion.close()
    assert not champion.problems, report(champion.problems)
