"""The API's docs page (``/api/docs``) in Chromium: a long page of tables built from the
OpenAPI document passes axe-core's WCAG 2.2 AA checks and fits the screen at 1280 and
375 px (``tests/support/accessibility.py``); its contents links lead to each operation."""

import re

from playwright.sync_api import expect

from tests.support.accessibility import Checker, report


def test_the_api_docs_page(app, browser, live_server):
    visitor = Checker(browser, live_server, None)
    page = visitor.page
    visitor.visit("/api/docs", "api-docs")
    page.get_by_role("link", name="GET /api/v1/jobs", exact=True).click()
    expect(page).to_have_url(re.compile(r"#get-api-v1-jobs$"))
    heading = page.get_by_role("heading", name=re.compile(r"Search published jobs$"))
    expect(heading).to_be_in_viewport()
    visitor.close()
    assert not visitor.problems, report(visitor.problems)
