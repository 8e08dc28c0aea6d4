"""Page weight, in Chromium with the demo loaded: the job search with results and a job's
page, each opened cold (a new browser context, nothing cached), transfer less than 150 KB
in all — HTML, CSS, scripts, fonts and images, headers included, as the browser counts
the bytes on the wire — and ask nothing of any other site (no CDN, fonts, analytics)."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

BUDGET = 150 * 1024


def weigh(browser, live_server: str, path: str, check=None) -> tuple[int, list[str], list[str]]:
    """Open ``path`` in a fresh context; the bytes transferred, each request (with its
    size) and the requests that went anywhere but the live server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    finished, failed = [], []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("requestfailed", lambda request: failed.append(request))
    response = page.goto(live_server + path, wait_until="networkidle")
    assert response is not None and response.status == 200, path
    if check:
        check(page)
    origin = urlsplit(live_server)
    total, lines, foreign = 0, [], []
    for request in finished + failed:
        url = urlsplit(request.url)
        if url.scheme == "data":
            continue  # inline, already counted in the file that holds it
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
            foreign.append(request.url)
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        lines.append(f"{size:>8} {request.url.removeprefix(live_server)}")
    context.close()
    assert not failed, [r.url for r in failed]
    return total, lines, foreign


def test_the_search_and_a_job_page_are_light_and_local(demo, browser, live_server):
    found = {}

    def results(page):
        expect(page.get_by_role("heading", name=re.compile(r"^[\d,]+ jobs? for"))).to_be_visible()
        first = page.locator("main ol li h3 a").first
        found["job"] = first.get_attribute("href")

    weights = {}
    search_total, search_lines, search_foreign = weigh(
        browser, live_server, "/jobs?q=support+worker", results
    )
    weights["/jobs?q=support+worker"] = (search_total, search_lines, search_foreign)
    assert re.fullmatch(r"/jobs/\d+", found["job"]), found
    weights[found["job"]] = weigh(browser, live_server, found["job"])

    problems = []
    for path, (total, lines, foreign) in weights.items():
        print(f"{path}: {total / 1024:.1f} KB transferred\n" + "\n".join(lines))  # pytest -s
        if total >= BUDGET:
            problems.append(
                f"{path}: {total / 1024:.0f} KB transferred (budget {BUDGET // 1024} KB):\n"
                + "\n".join(lines)
            )
        if foreign:
            problems.append(f"{path}: requests to other sites: {foreign}")
    assert not problems, "\n".join(problems)
