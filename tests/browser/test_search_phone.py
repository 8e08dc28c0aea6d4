"""The job search on a 375 px phone: the first job is on screen without scrolling, the
filters are one closed "Filters (N active)" disclosure that opens from the keyboard, the
active-filter chips wrap and are big enough to tap; on a wide screen the filters are a
side bar, no disclosure to open (issue 16, "Search on a phone")."""

from playwright.sync_api import expect

from tests.support.reference import community

PHONE = {"width": 375, "height": 667}


def test_search_on_a_phone_and_on_a_wide_screen(browser, live_server, db, make_agency, make_job):
    agency = make_agency(name="Harbour Family Services with a Rather Long Agency Name")
    nanaimo = community(db, "Nanaimo")
    for n in range(3):
        make_job(agency=agency, title=f"Outreach Worker {n}", community_id=nanaimo.id)
    search = f"/jobs?q=outreach&region={nanaimo.region_id}&type=full_time"

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server + search)
    first = page.get_by_role("link", name="Outreach Worker", exact=False).first
    box = first.bounding_box()  # above the fold, nothing to scroll past
    assert box["y"] + box["height"] <= PHONE["height"], box
    part_time = page.locator("a.facet", has_text="Part-time")
    expect(part_time).to_be_hidden()  # the filter groups are folded away

    # the disclosure opens from the keyboard: Tab on from the search button, then Enter
    page.get_by_role("button", name="Search").focus()
    page.keyboard.press("Tab")
    expect(page.locator("summary", has_text="Filters (3 active)")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    expect(part_time).to_be_visible()
    part_time.click()  # a filter chosen from the opened disclosure
    expect(page.get_by_role("link", name="Remove filter Part-time")).to_be_visible()
    expect(page.locator("summary", has_text="Filters (4 active)")).to_be_attached()

    # many filters, one of them long: the chips wrap inside the screen and are tappable
    page.goto(
        live_server + f"/jobs?q=outreach&type=full_time&community={nanaimo.id}&agency={agency.id}"
        "&pay=20&posted=30&hours=30-plus"
    )
    chips = page.get_by_role("link", name="Remove filter", exact=False)
    assert chips.count() == 7
    expect(page.get_by_role("link", name="Remove filter Text: outreach")).to_be_visible()
    for chip in chips.all():
        b = chip.bounding_box()
        assert b["width"] >= 24 and b["height"] >= 24, b
        assert b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"], b
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    # a wide screen: a side bar left of the results, no summary to open first
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server + search)
    expect(page.locator("summary.filters-summary")).to_be_hidden()
    part_time = page.locator("a.facet", has_text="Part-time")
    expect(part_time).to_be_visible()
    side, results = page.locator("aside.search-filters"), page.locator("section.search-results")
    assert side.bounding_box()["x"] + side.bounding_box()["width"] <= results.bounding_box()["x"]
    part_time.click()
    expect(page.get_by_role("link", name="Remove filter Part-time")).to_be_visible()
    page.get_by_role("link", name="Remove filter Text: outreach").click()
    expect(page.get_by_role("heading", name="3 jobs")).to_be_visible()
    context.close()
