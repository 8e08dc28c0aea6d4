"""A visitor (not signed in) in Chromium, with the demo loaded: the home page, a search with
filters (on a phone through the folded "Filters"), a job and its agency's page, the
pre-qualified lists, the account and agency registration forms, the privacy and
accessibility pages. Every page passes axe-core's WCAG 2.2 AA checks and fits the screen at
1280 and 375 px (``tests/support/accessibility.py``).

From the keyboard alone (Tab, Enter, Space): a search with keywords and two filters, a
filter removed from its chip, on a phone the filters opened from their summary, a job
opened from the results. Every stop shows the focus and is not hidden behind anything.
The registration form's error summary takes the focus and its links lead to the fields."""

import re

from playwright.sync_api import expect

from portal.demo.applications import DEMO_LISTS
from tests.support.accessibility import Checker, report

RESULTS = re.compile(r"^[\d,]+ jobs?( for “.+”)?$")


def facet(page, label: str):
    """A filter link of the search page, by its label (its name ends with the count)."""
    pattern = re.escape(label).replace("/", r"\/")  # Playwright ends a pattern at a /
    return page.get_by_role("link", name=re.compile(rf"^{pattern} [\d,]+$")).first


def test_a_visitors_pages(demo, browser, live_server):
    visitor = Checker(browser, live_server, None)
    page = visitor.page

    visitor.visit("/", "home")
    page.get_by_role("link", name="Find jobs").click()
    expect(page.get_by_role("heading", name=RESULTS)).to_be_visible()
    visitor.check("search")

    page.get_by_label("Keywords").fill("support worker")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile("for “support worker”"))).to_be_visible()
    visitor.check("search-keywords")
    facet(page, "Part-time").click()
    page.wait_for_url(re.compile(r"type=part_time"))
    expect(page.get_by_role("link", name=re.compile(r"^Remove filter .*Part-time"))).to_be_visible()
    visitor.check("search-part-time")

    # on a phone the filters are folded under their summary: open it, choose a region
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_text(re.compile(r"^Filters")).click()
    facet(page, "Vancouver Island/Coast").click()
    page.wait_for_url(re.compile(r"region=\d+"))
    page.set_viewport_size({"width": 1280, "height": 900})
    visitor.check("search-two-filters")

    page.locator("main ol").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    visitor.check("job")
    # the agency's public page, from its name on the job page, and back
    job_url = page.url
    page.locator("main p.lead").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/agencies/[a-z0-9-]+$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Open jobs"))).to_be_visible()
    visitor.check("agency-page")
    page.goto(job_url)
    page.get_by_role("link", name="Sign in to apply").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    visitor.check("sign-in")

    visitor.visit("/lists", "lists")
    page.get_by_role("link", name=DEMO_LISTS[0]["name"]).first.click()
    expect(page.get_by_role("heading", name=DEMO_LISTS[0]["name"])).to_be_visible()
    visitor.check("list")

    for path, name in (
        ("/register", "register"),
        ("/forgot", "forgot-password"),
        ("/privacy", "privacy"),
        ("/accessibility", "accessibility"),
        ("/agencies/register", "agency-register"),
    ):
        visitor.visit(path, name)
    page.get_by_role("button", name="Create account and register agency").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.check("agency-register-errors")
    visitor.close()
    assert not visitor.problems, report(visitor.problems)


def test_the_error_summary_takes_the_focus_and_leads_to_the_fields(browser, live_server):
    """Sent empty, the registration form comes back with its error summary focused (a
    screen reader reads it out); each of its links moves the focus to its field."""
    visitor = Checker(browser, live_server, None)
    page = visitor.page
    page.goto(live_server + "/register")
    page.get_by_label("Your name").fill("Jasmine Gill")
    page.get_by_label("Your name").press("Enter")  # sent from the keyboard
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    visitor.check("register-errors")
    links = summary.get_by_role("link")
    assert links.count() >= 2, links.all_inner_texts()
    for n in range(links.count()):
        link = summary.get_by_role("link").nth(n)
        target = link.get_attribute("href")
        visitor.tab_to(link, "register-errors")
        page.keyboard.press("Enter")
        field = page.locator(target)
        expect(field).to_be_focused()
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.get_attribute("aria-describedby") or ""
        assert f"{target[1:]}-error" in described.split(), described
        summary.focus()
    visitor.close()
    assert not visitor.problems, report(visitor.problems)


def test_a_search_with_filters_from_the_keyboard(demo, browser, live_server):
    visitor = Checker(browser, live_server, None)
    page = visitor.page
    page.goto(live_server + "/jobs")

    visitor.tab_to(page.get_by_label("Keywords"), "search")
    page.keyboard.type("support worker")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("for “support worker”"))).to_be_visible()

    visitor.tab_to(facet(page, "Part-time"), "search-keywords")
    visitor.press("Enter", "search-keywords", navigates=True)
    page.wait_for_url(re.compile(r"type=part_time"))
    visitor.tab_to(facet(page, "Vancouver Island/Coast"), "search-part-time")
    visitor.press("Enter", "search-part-time", navigates=True)
    page.wait_for_url(re.compile(r"type=part_time.*region=|region=.*type=part_time"))
    expect(page.get_by_role("heading", name=RESULTS)).to_be_visible()

    # the chip of a filter removes it
    chip = page.get_by_role("link", name=re.compile(r"^Remove filter .*Part-time"))
    visitor.tab_to(chip, "search-two-filters")
    visitor.press("Enter", "search-two-filters", navigates=True)
    page.wait_for_url(lambda url: "type=part_time" not in url)
    expect(page.get_by_role("link", name=re.compile(r"^Remove filter .*Vancouver"))).to_be_visible()

    # on a phone: the filters open from their summary with Enter
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/jobs?q=support+worker")
    summary = page.locator("summary", has_text=re.compile(r"^Filters"))
    visitor.tab_to(summary, "search-phone")
    visitor.press("Enter", "search-phone")
    visitor.tab_to(facet(page, "Full-time"), "search-phone-filters")
    visitor.press("Enter", "search-phone-filters", navigates=True)
    page.wait_for_url(re.compile(r"type=full_time"))

    # a job from the results, and on its page the way to apply
    first = page.locator("main ol").get_by_role("link").first
    title = first.inner_text().strip()
    visitor.tab_to(first, "search-phone-results")
    visitor.press("Enter", "search-phone-results", navigates=True)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    visitor.tab_to(page.get_by_role("link", name="Sign in to apply"), "job-phone")
    visitor.close()
    assert not visitor.problems, report(visitor.problems)
