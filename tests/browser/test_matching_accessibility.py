"""The matching pages pass axe-core's WCAG 2.2 AA checks (axe-playwright-python's copy
of axe.min.js; tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) at 1280 and 375 px wide,
in Chromium, with the demo data loaded: the seeker's recommended jobs, the jobs they are
not interested in, full-time weeks and invitations (with match charts, one of them open);
the agency's suggested candidates, a candidate, a job's pooling opportunities, the pooling
proposals, and the job form's weekly schedule (with and without an error). One browser
context per role, reused from page to page. At either width no page is wider than the
screen (WCAG 1.4.10, reflow).

From the keyboard: every control a page offers (the charts' "Why this match", "Not
interested", the invitation form, "Apply to all", the schedule's time fields) is reached
with Tab, has a name and shows the portal's focus outline.

Set ``PORTAL_SCREENSHOTS=<dir>`` to keep full-page screenshots of every page at both widths."""

import os
import re

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.applications import DEMO_SEEKER, LEAD_AGENCY, LEAD_JOB, POOLING_JOB
from portal.demo.services import DEMO_PASSWORD
from portal.models import Agency, Job

WIDTHS = (1280, 375)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OWNER = f"owner.{LEAD_AGENCY}@demo.sectorjobs.ca"
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}

# Records each element that takes the focus: its name (as a person hears it, roughly) and
# whether the focus can be seen (the portal's outline, 2 px or more). Stops recording when
# the focus leaves ``within`` (a CSS selector, if given) or comes back to the first element.
# Moving between the parts of a time field (hour, minute, its picker) is not a new element.
WATCH_FOCUS = """within => {
  window.focusLog = [];
  window.focusDone = false;
  document.addEventListener("focusin", () => {
    const el = document.activeElement, log = window.focusLog;
    if (window.focusDone) return;
    if (within && !el.closest(within)) { window.focusDone = log.length > 0; return; }
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const labels = el.labels ? [...el.labels].map(l => l.innerText).join(" ") : "";
    const name = (el.getAttribute("aria-label") || labels || el.innerText || el.value || "")
      .replace(/\\s+/g, " ").trim();
    const html = el.outerHTML.slice(0, 160);
    if (log.length && html === log[0].html) { window.focusDone = true; return; }
    if (log.length && html === log[log.length - 1].html) return;
    log.push({
      tag: el.tagName.toLowerCase(),
      name,
      outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
      visible: box.width > 0 && box.height > 0,
      html,
    });
  });
}"""
DONE = "() => window.focusDone || document.activeElement === document.body"

# Focus the last field before the part of the page ``within`` selects
BEFORE = """within => {
  const part = document.querySelector(within);
  const fields = [...document.querySelectorAll("a[href], button, input, select, textarea, summary")]
    .filter(f => part.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_PRECEDING);
  fields[fields.length - 1].focus();
}"""


class Checker:
    """One browser context, signed in as ``email``; checks pages with axe at both widths
    and collects what it finds, so that one run reports every page."""

    def __init__(self, browser, base: str, email: str | None):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base = base
        self.problems: list[str] = []
        if email is None:
            return
        self.page.goto(base + "/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r"/(dashboard|agency)$"))

    def visit(self, path: str, name: str, part: str | None = None) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        self.check(name, part)

    def check(self, name: str, part: str | None = None) -> None:
        """axe on the current page, or the ``part`` of it a CSS selector picks, at each width
        (and screenshots, if asked for); the whole page must fit the width."""
        page = self.page
        if not page.evaluate("() => typeof axe === 'object'"):
            page.evaluate(AXE_SCRIPT)  # once per page: it runs at both widths
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => new Promise(requestAnimationFrame)")
            results = page.evaluate(
                "([part, options]) => axe.run(part || document, options)", [part, OPTIONS]
            )
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            if overflow > width:  # WCAG 1.4.10: no scrolling sideways to read the page
                self.problems.append(f"{name} at {width} px: the page is {overflow} px wide")
            for v in results["violations"]:
                targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:8])
                more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
                self.problems.append(
                    f"{name} at {width} px: {v['id']} ({v['impact']}): {v['help']}\n"
                    f"    on {targets}{more}"
                )
            folder = os.environ.get("PORTAL_SCREENSHOTS")
            if folder:
                os.makedirs(folder, exist_ok=True)
                page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    def tab_through(self, name: str, within: str | None = None) -> list[dict]:
        """Tab from the top of the page to its end (or through the part ``within``, a CSS
        selector, from the field before it); every element that took the focus. Each must
        have a name and a visible focus indicator."""
        page = self.page
        page.evaluate(WATCH_FOCUS, within)
        page.locator("body").focus()
        if within:
            page.evaluate(BEFORE, within)
        for _ in range(40):
            for _ in range(10):
                page.keyboard.press("Tab")
            if page.evaluate(DONE):
                break
        seen = page.evaluate("() => window.focusLog")
        for f in seen:
            if not f["name"]:
                self.problems.append(f"{name}: focusable without a name: {f['html']}")
            if not f["outline"] or not f["visible"]:
                self.problems.append(f"{name}: focus not visible on {f['html']}")
        return seen

    def reaches(self, seen: list[dict], name: str, *wanted: str) -> None:
        """Each of ``wanted`` (a regular expression on the name) is reached with Tab."""
        names = [f"{f['tag']}: {f['name']}" for f in seen]
        for pattern in wanted:
            if not any(re.search(pattern, n) for n in names):
                self.problems.append(f"{name}: Tab never reaches {pattern!r}")

    def close(self) -> None:
        self.context.close()


def report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def lead_job_id(db, title: str) -> int:
    return db.session.scalar(
        select(Job.id)
        .join(Agency, Agency.id == Job.agency_id)
        .where(Agency.slug == LEAD_AGENCY, Job.title == title, Job.status == "published")
        .order_by(Job.id)
    )


PROBE = """<!doctype html><html lang="en"><title>Probe</title><body><main>
<h1>Probe</h1>
<input type="text" name="unlabelled">
<p style="color: #bbb">Faint text</p>
<a href="#top" style="outline: none">No focus ring</a>
<div style="width: 600px">Too wide for a phone</div>
</main></body></html>"""


def test_the_checks_catch_what_they_look_for(browser):
    """A page with a field without a label, faint text, a link whose focus cannot be seen
    and a block too wide for 375 px: each is reported."""
    probe = Checker(browser, "http://probe.invalid", None)
    probe.page.route(
        "http://probe.invalid/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=PROBE),
    )
    probe.visit("/", "probe")
    seen = probe.tab_through("probe")
    probe.reaches(seen, "probe", r"^a: No focus ring", r"^button: Not on the page")
    probe.close()
    found = "\n".join(probe.problems)
    assert "probe at 1280 px: label (critical)" in found, found
    assert "probe at 375 px: color-contrast (serious)" in found, found
    assert "probe at 375 px: the page is " in found and "probe at 1280 px: the page" not in found
    assert 'probe: focus not visible on <a href="#top"' in found, found
    assert "probe: Tab never reaches '^button: Not on the page'" in found, found
    assert "probe: Tab never reaches '^a: No focus ring'" not in found, found


def test_the_seekers_matching_pages(demo, browser, live_server, db):
    seeker = Checker(browser, live_server, DEMO_SEEKER)
    page = seeker.page

    seeker.visit("/recommended", "recommended")
    seen = seeker.tab_through("recommended")
    seeker.reaches(
        seen,
        "recommended",
        r"^summary: Why this match",
        r"^summary: Not interested in .+…$",
        r"^a: See full-time weeks",
    )
    # "Not interested" from the keyboard: its reason field is folded away until asked for,
    # then the job moves to the not-interested page
    first = page.locator("main article").first
    title = first.get_by_role("heading").get_by_role("link").inner_text().strip()
    reason = first.get_by_label(re.compile(r"^Why not\?"))
    expect(reason).to_be_hidden()
    expect(page.locator("main input[name=reason]:visible")).to_have_count(0)  # none shown
    first.locator("summary", has_text="Not interested").focus()
    page.keyboard.press("Enter")
    expect(reason).to_be_visible()
    seeker.check("recommended-not-interested-open")
    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    reason.fill("Too far to drive")
    page.keyboard.press("Tab")
    expect(first.get_by_role("button", name=re.compile("^Not interested"))).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=title, exact=True)).to_have_count(0)

    seeker.visit("/recommended/not-interested", "not-interested")
    expect(page.get_by_text(re.compile("^Your reason: Too far to drive"))).to_be_visible()
    seen = seeker.tab_through("not-interested")
    seeker.reaches(seen, "not-interested", rf"^button: Show {re.escape(title)} again")

    seeker.visit("/recommended/week", "week")
    expect(page.get_by_role("heading", name=re.compile(r"^Week 1: ")).first).to_be_visible()
    seen = seeker.tab_through("week")
    seeker.reaches(
        seen,
        "week",
        r"^summary: Week 1: .+ hours from \d jobs",
        r"^textarea: Cover note for week 1",
        r"^button: Apply to all \d jobs of week 1",
        r"^summary: Week 2: .+ hours from \d jobs",
    )
    # week 1 open, the others folded to their summaries; week 2 opens from the keyboard
    weeks = page.locator("main details.week")
    assert weeks.count() >= 2, weeks.count()
    expect(page.get_by_role("table", name="Weekly timetable of week 1")).to_be_visible()
    for n in range(2, weeks.count() + 1):
        expect(page.get_by_role("table", name=f"Weekly timetable of week {n}")).to_be_hidden()
        expect(page.get_by_label(f"Cover note for week {n}")).to_be_hidden()
    weeks.nth(1).locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table", name="Weekly timetable of week 2")).to_be_visible()
    page.keyboard.press("Tab")  # into week 2: its first job's link
    expect(page.locator(":focus")).to_have_attribute("href", re.compile(r"^/jobs/\d+$"))
    seeker.check("week-2-open")

    seeker.visit("/job-invitations", "invitations")
    expect(page.get_by_text("Your match:").first).to_be_visible()
    seen = seeker.tab_through("invitations")
    seeker.reaches(
        seen,
        "invitations",
        r"^summary: Why this match",
        r"^button: Accept and apply",
        r"^input: Why not\?",
        r"^button: Decline",
    )
    # the chart opens from the keyboard and passes axe open too
    summary = page.locator("main summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("main details").first.get_by_role("table")).to_be_visible()
    seeker.check("invitations-chart-open")
    seeker.close()
    assert not seeker.problems, report(seeker.problems)


def test_the_agencys_matching_pages(demo, browser, live_server, db):
    job_id = lead_job_id(db, LEAD_JOB)
    agency = Checker(browser, live_server, OWNER)
    page = agency.page

    agency.visit(f"/agency/jobs/{job_id}/candidates", "candidates")
    seen = agency.tab_through("candidates")
    agency.reaches(seen, "candidates", r"^a: Candidate ")
    # a candidate not invited yet (the demo invited one): the invitation form is there
    uninvited = page.locator("main li.card").filter(has_not_text="Invitation")
    uninvited.locator("a.candidate-link").first.click()
    page.wait_for_url(re.compile(rf"/agency/jobs/{job_id}/candidates/\w+$"))
    agency.check("candidate")
    seen = agency.tab_through("candidate")
    agency.reaches(
        seen, "candidate", r"^textarea: Your message", r"^input: Invite to apply", r"Not a fit"
    )

    agency.visit(f"/agency/jobs/{job_id}/pooling", "pooling")
    seen = agency.tab_through("pooling")
    agency.reaches(seen, "pooling", r"^textarea: Message to", r"^button: Propose pooling with")
    # the job another agency proposed to pool with: a link to answer it
    agency.visit(f"/agency/jobs/{lead_job_id(db, POOLING_JOB)}/pooling", "pooling-proposed")
    expect(page.get_by_role("link", name="Answer their proposal")).to_be_visible()

    agency.visit("/agency/pooling", "pooling-proposals")
    seen = agency.tab_through("pooling-proposals")
    agency.reaches(seen, "pooling-proposals", r"^button: Accept", r"^button: Decline")

    # the job form's weekly schedule (axe on that part only: the rest of the form is not
    # matching's); a day with a start and no end comes back with its error
    agency.visit(f"/agency/jobs/{job_id}/edit", "job-edit", part="#weekly-schedule")
    seen = agency.tab_through("job-edit", within="#weekly-schedule")
    agency.reaches(seen, "job-edit", r"^input: Monday from", r"^input: Sunday to")
    page.goto(live_server + "/agency/jobs/new")
    page.get_by_label("Tuesday from").fill("09:00")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#end_1-error")).to_have_text("Give both the start and the end on Tuesday.")
    expect(page.get_by_label("Tuesday to")).to_have_attribute("aria-invalid", "true")
    agency.check("job-new-errors", part="#weekly-schedule")
    agency.close()
    assert not agency.problems, report(agency.problems)
