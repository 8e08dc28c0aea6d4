"""No page logs a Content-Security-Policy violation (issue 12 §2), in Chromium, with the demo
data loaded: every signed-out page and every page a seeker, an agency owner, the HR champion
and an admin reach by following links (one page per route of the app: its URL rule) — search
results, a job page with its JSON-LD data block, the dashboards, applicants, returns, the
labour-market charts. What is checked on a page in particular is checked when the crawl
visits it (each page is opened once).

A violation is caught twice: Chromium's console message ("... violates the following Content
Security Policy directive ...") and the page's ``securitypolicyviolation`` event. The first
test shows that both catch an inline style and an inline script under the portal's policy.
Set ``PORTAL_SCREENSHOTS=<dir>`` to keep screenshots (1280 and 375 px wide) of the pages whose
styles moved from the templates into static/css/portal.css."""

import os
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal.demo.services import DEMO_PASSWORD, demo_logins
from portal.models import Application, Job, Membership, ReportingPeriod, User, WorkforceReturn
from portal.security_headers import HEADERS
from tests.support.waiting import wait_until

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.portalCspViolations = (window.portalCspViolations || 0) + 1;
  window.portalCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                            + ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""
# downloads (a browser does not show them as a page) and the sign-out form's target
SKIP = re.compile(r"/resume$|/file$|\.csv$|/logout$")
PAGES_PER_ROLE = 45


class Watch:
    """Everything the browser says about the policies, per page."""

    def __init__(self, page):
        self.page = page
        self.violations: list[str] = []
        self.console: list[str] = []
        page.context.expose_function(
            "portalCspViolation", lambda text: self.violations.append(f"{page.url}: {text}")
        )
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on(
            "console",
            lambda message: self.console.append(f"{page.url}: [{message.type}] {message.text}"),
        )

    def pause(self) -> None:
        self.page.wait_for_timeout(50)  # between two polls: lets the page's calls through

    def policy_messages(self) -> list[str]:
        return [
            m
            for m in self.console
            if "Content Security Policy" in m
            or "Permissions-Policy" in m
            or "Permissions Policy" in m
        ]

    def reported(self) -> bool:
        """Whether every violation the current page saw has reached us (each is passed on
        by ``portalCspViolation``, a call from the page to this process)."""
        seen = self.page.evaluate("() => window.portalCspViolations || 0")
        return len(self.violations) >= seen

    def assert_clean(self) -> None:
        wait_until(self.reported, 5, "violation reports still on their way", self.pause)
        assert self.violations == [], "\n".join(self.violations)
        assert self.policy_messages() == [], "\n".join(self.policy_messages())


def pattern(url: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(url).path)


def route(app, url: str) -> str:
    """The app's URL rule for ``url`` (``/agency/jobs/<int:job_id>/candidates/<ref>``: one
    candidate's page stands for all), or its path when no rule matches."""
    path = urlsplit(url).path
    try:
        rule, _ = app.url_map.bind("localhost").match(path, return_rule=True)
    except HTTPException:  # not found, or a redirect to add a trailing slash
        return path
    return rule.rule


def visit(page, url: str) -> bool:
    """Open a page; wait until its images and styles have loaded (and any violation with
    them has been reported). False for a download."""
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return False
        raise
    assert response is not None and response.status < 500, f"{url}: {response.status}"
    assert response.headers.get("content-security-policy") == HEADERS["Content-Security-Policy"]
    page.evaluate("() => new Promise(requestAnimationFrame)")  # styles applied, one frame
    return True


def crawl(
    page, app, base: str, start: list[str], checks: dict[str, Callable] | None = None
) -> set[str]:
    """Visit ``start`` and then the site's links found on the pages, one page per route,
    breadth first; ``checks``: a check of the page for some of ``start``, run when it is
    visited. Returns the URL patterns visited (``/jobs/<id>``)."""
    checks = dict(checks or {})
    queue, routes, seen = [base + path for path in start], set(), set()
    while queue and len(routes) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if route(app, url) in routes or SKIP.search(urlsplit(url).path):
            continue
        routes.add(route(app, url))
        seen.add(pattern(url))
        if not visit(page, url):
            continue
        check = checks.pop(url.removeprefix(base), None)
        if check is not None:
            check(page)
        for link in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if link.startswith(base + "/"):
                queue.append(link.split("#")[0])
    assert not checks, f"pages to check that the crawl did not open: {sorted(checks)}"
    return seen


def sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")  # (an admin: two-step)


def computed(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def screenshots(page, name: str) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})


def test_the_watch_catches_inline_style_and_script(page, live_server):
    """Under the portal's own headers, Chromium reports an inline style and an inline
    script both in the console and as events; the JSON-LD data block is not reported."""
    watch = Watch(page)
    body = (
        '<!doctype html><title>probe</title><p style="color: red">styled</p>'
        '<script>document.title = "ran"</script>'
        '<script type="application/ld+json">{"@type": "JobPosting"}</script>'
    )
    page.route(
        live_server + "/csp-probe",
        lambda route: route.fulfill(
            status=200, headers={**HEADERS, "Content-Type": "text/html"}, body=body
        ),
    )
    page.goto(live_server + "/csp-probe")
    page.evaluate("() => new Promise(requestAnimationFrame)")

    def both_reported() -> bool:
        return (
            any("style-src" in v for v in watch.violations)
            and any("script-src" in v for v in watch.violations)
            and len(watch.policy_messages()) >= 2
        )

    wait_until(both_reported, 5, f"{watch.violations} {watch.console}", watch.pause)
    assert page.title() == "probe"  # the script did not run
    assert computed(page, "p", "color") != "rgb(255, 0, 0)"
    assert watch.reported()
    assert len(watch.policy_messages()) == 2, watch.console


def results_listed(page) -> None:
    expect(page.locator("main h3 a").first).to_be_visible()


def job_posting_data(page) -> None:
    assert page.locator('script[type="application/ld+json"]').count() == 1


def qr_code_shown(page) -> None:
    qr = page.locator("img.qr-code")  # a data: image
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")


def notes_keep_line_breaks(page) -> None:
    if page.locator(".pre-wrap").count():
        assert computed(page, ".pre-wrap", "whiteSpace") == "pre-wrap"
    screenshots(page, "application-review")


def benchmark_table(page) -> None:
    expect(page.locator("table.lmi-table").first).to_be_visible()
    screenshots(page, "agency-benchmark")


def lmi_charts(page) -> None:
    """The server-drawn SVG charts render at size, with portal.css applied."""
    charts = page.locator("svg.lmi-chart")
    assert charts.count() >= 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 50, box
    assert computed(page, "svg.lmi-chart", "maxWidth") == "100%"  # portal.css applies
    bar = page.locator('svg.lmi-chart rect[fill="#2a7fa5"]').first
    expect(bar).to_be_visible()
    assert bar.evaluate("rect => getComputedStyle(rect).fill") == "rgb(42, 127, 165)"
    assert computed(page, ".lmi-card", "borderLeftWidth") == "4px"
    assert computed(page, ".lmi-card", "borderLeftColor") == "rgb(11, 79, 108)"
    assert computed(page, ".narrow-block", "maxWidth") == "640px"
    screenshots(page, "lmi-dashboard")


def periods_form(page) -> None:
    assert computed(page, "input.narrow-date", "maxWidth") == "160px"
    assert computed(page, "section.narrow-block", "maxWidth") == "640px"
    screenshots(page, "returns-periods")


def test_no_page_logs_a_csp_violation(demo, app, page, live_server, db):
    logins = dict(demo_logins())
    # an agency owner whose agency has applicants and a return for the newest period (so
    # the benchmark shows figures)
    newest = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.fiscal_year.desc()))
    reporting = select(WorkforceReturn.agency_id).where(
        WorkforceReturn.period_id == newest.id, WorkforceReturn.status != "draft"
    )
    application = db.session.scalars(
        select(Application).join(Job).where(Job.agency_id.in_(reporting)).order_by(Application.id)
    ).first()
    owner = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == application.job.agency_id, Membership.role == "owner")
    )
    wreturn = db.session.scalars(
        select(WorkforceReturn)
        .where(WorkforceReturn.period_id == newest.id, WorkforceReturn.status != "draft")
        .order_by(WorkforceReturn.id)
    ).first()
    job = db.session.scalars(select(Job).where(Job.status == "published").order_by(Job.id)).first()
    watch = Watch(page)
    visited = set()

    # signed out: search with results, a job page (with its JSON-LD), sign-in, registration
    visited |= crawl(
        page,
        app,
        live_server,
        [
            "/",
            "/jobs?q=support+worker",
            f"/jobs/{job.id}",
            "/login",
            "/register",
            "/agencies/register",
            "/forgot",
            "/lists",
            "/privacy",
            "/no-such-page",
        ],
        {"/jobs?q=support+worker": results_listed, f"/jobs/{job.id}": job_posting_data},
    )
    watch.assert_clean()

    # a job seeker
    sign_in(page, live_server, logins["Job seeker"])
    visited |= crawl(
        page,
        app,
        live_server,
        [
            "/dashboard",
            "/profile",
            "/profile/resume",
            "/applications",
            "/saved-jobs",
            "/my-lists",
            "/job-invitations",
            "/account",
            "/account/two-step/setup",
        ],
        {"/account/two-step/setup": qr_code_shown},
    )
    watch.assert_clean()

    # an agency owner: jobs, applicants, an application (notes keep their line breaks),
    # returns, the benchmark
    sign_in(page, live_server, owner.email)
    visited |= crawl(
        page,
        app,
        live_server,
        [
            "/agency",
            "/agency/jobs",
            f"/agency/applications/{application.id}",
            "/agency/returns",
            "/agency/benchmark",
            "/agency/people",
            "/agency/talent",
            "/agency/lists",
            "/agency/shares",
            "/agency/edit",
            "/agency/jobs/new",
        ],
        {
            f"/agency/applications/{application.id}": notes_keep_line_breaks,
            "/agency/benchmark": benchmark_table,
        },
    )
    watch.assert_clean()

    # the HR champion: the labour-market dashboard and its server-drawn SVG charts, returns
    sign_in(page, live_server, logins["HR champion"])
    visited |= crawl(
        page,
        app,
        live_server,
        [
            "/lmi",
            "/returns/periods",
            f"/returns/periods/{newest.id}",
            f"/returns/{wreturn.id}",
            "/returns/columns",
        ],
        {"/lmi": lmi_charts, "/returns/periods": periods_form},
    )
    watch.assert_clean()

    # an admin, asked to set up two-step sign-in first (the setup and recovery-code pages
    # are checked too), then the admin pages; and the champion's extract page
    sign_in(page, live_server, logins["Administrator"])
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("link", name=re.compile("I have saved my codes")).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    visited |= crawl(
        page, app, live_server, ["/admin/", "/admin/agencies", "/admin/users", "/lmi/extract"]
    )
    watch.assert_clean()

    for expected in (
        "/",
        "/jobs",
        "/jobs/<id>",
        "/login",
        "/register",
        "/dashboard",
        "/agency",
        "/agency/applications/<id>",
        "/agency/returns",
        "/agency/benchmark",
        "/lmi",
        "/returns/periods",
        "/returns/<id>",
        "/admin/agencies/<id>",
        "/admin/users/<id>",
        "/lmi/extract",
    ):
        assert expected in visited, f"{expected} not visited: {sorted(visited)}"
    assert len(visited) >= 40, sorted(visited)
    print(f"{len(visited)} URL patterns visited:", " ".join(sorted(visited)))
