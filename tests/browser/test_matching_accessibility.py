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

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.applications import DEMO_SEEKER, LEAD_AGENCY, LEAD_JOB, POOLING_JOB
from portal.models import Agency, Job
from tests.support.accessibility import Checker, report

OWNER = f"owner.{LEAD_AGENCY}@demo.sectorjobs.ca"


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
