"""A pooled position in Chromium: the lead agency posts a pooled draft, invites a partner
found by name and sets its own share; the partner accepts by the emailed link and sets a
share that must not overlap (the clash is shown first); the lead publishes; a seeker finds
the job with the "Pooled positions only" filter and applies once; each agency hires the
applicant into its own share; the job is filled and the seeker sees both decisions.

The lead's weekly schedule is typed from the keyboard alone (Tab to each time field, the
time typed, Enter on the button). Every page on the way passes axe-core's WCAG 2.2 AA
checks and fits the screen at 1280 and 375 px (``tests/support/accessibility.py``)."""

import io
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.demo.applications import resume_pdf
from portal.models import Application, Community, Job, JobShare, Occupation
from portal.seekers.services import attach_resume
from portal.timeutil import today_pacific
from tests.support.accessibility import Checker, report
from tests.support.browser import sign_in

TITLE = "Community Support Worker — Pooled Days, Nanaimo"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def new_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def fill_week(page, start: str, end: str) -> None:
    """Monday to Friday, ``start`` to ``end``, on a share's schedule form."""
    for day in WEEKDAYS:
        page.get_by_label(f"{day} from", exact=True).fill(start)
        page.get_by_label(f"{day} to", exact=True).fill(end)


def type_week(checker: Checker, name: str, start: str, end: str) -> None:
    """Monday to Friday on a share's schedule form from the keyboard alone: Tab to each
    time field and type the time as its parts ask (``0900A``: 09, 00, AM)."""
    page = checker.page
    for day in WEEKDAYS:
        checker.tab_to(page.get_by_label(f"{day} from", exact=True), name)
        page.keyboard.type(start)
        checker.tab_to(page.get_by_label(f"{day} to", exact=True), name)
        page.keyboard.type(end)


def test_pooled_position_is_shared_applied_for_and_hired(
    browser, page, live_server, mailbox, db, make_agency, make_user, tmp_path
):
    lead = make_agency(name="Harbour Community Living")
    partner = make_agency(name="Tidewater Family Services")
    seeker = make_user(role="seeker", name="Priya Sandhu", email="priya@example.org")
    attach_resume(
        seeker,
        FileStorage(
            stream=io.BytesIO(resume_pdf("Priya Sandhu", "Community support worker")),
            filename="Priya-Sandhu-CV.pdf",
            content_type="application/pdf",
        ),
    )
    db.session.commit()
    lead_owner, partner_owner = lead.owner.email, partner.owner.email
    occupation = db.session.scalar(select(Occupation).where(Occupation.noc_code == "42201"))
    community = db.session.scalar(select(Community).order_by(Community.id))
    occupation_label, community_name = occupation.label, community.name

    # 1. the lead posts a pooled draft, invites the partner and sets its own share
    lead_check = Checker.on(page, live_server)
    sign_in(page, live_server, lead_owner)
    page.goto(live_server + "/agency/jobs")
    lead_check.check("agency-jobs")
    page.get_by_role("link", name="Post a job").click()
    lead_check.check("job-new")
    page.get_by_label("Job title").fill(TITLE)
    page.get_by_label("Occupation (NOC 2021)").select_option(label=occupation_label)
    page.get_by_label("Community", exact=True).select_option(label=community_name)
    page.get_by_label("Employment type").select_option(label="Full-time")
    page.get_by_label("Hours per week").fill("37.5")
    page.get_by_label("Schedule (optional)", exact=True).fill(
        "Monday to Friday, mornings or afternoons"
    )
    page.get_by_label("Pay from ($)").fill("26")
    page.get_by_label("Pay to ($)").fill("31")
    page.get_by_label(re.compile(r"^Pooled position")).check()
    page.get_by_role("radiogroup", name="Is this a union position?").get_by_label("No").check()
    page.get_by_label("Description").fill(
        "Support adults with developmental disabilities in two group homes."
    )
    page.get_by_label("Closing date").fill((today_pacific() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    job_id = int(re.search(r"/agency/jobs/(\d+)/edit", page.url).group(1))
    lead_check.check("job-draft")

    page.get_by_role("link", name=re.compile(r"^Partners and shares")).click()
    lead_check.check("partners")
    page.get_by_label("Agency name").fill("tidewater")
    page.get_by_role("button", name="Find agencies").click()
    page.get_by_role("button", name="Invite Tidewater Family Services").click()
    expect(page.get_by_text("Tidewater Family Services is invited")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("Tidewater Family Services")).get_by_text("Invited")
    ).to_be_visible()
    page.get_by_role("link", name="Edit our share").click()
    lead_check.check("share")
    type_week(lead_check, "share", "0900A", "1245P")  # 09:00 to 12:45
    lead_check.tab_to(page.get_by_role("button", name="Save our share"), "share")
    lead_check.press("Enter", "share", navigates=True)
    expect(page.get_by_text("Your share is saved.")).to_be_visible()
    lead_check.check("partners-shares")
    expect(
        page.get_by_role("row", name=re.compile("Harbour Community Living")).get_by_text(
            "18.75 h (0.50 FTE)"
        )
    ).to_be_visible()

    # 2. the partner accepts by the emailed link and sets a share that does not overlap
    partner_context, desk = new_page(browser)
    partner_check = Checker.on(desk, live_server)
    sign_in(desk, live_server, partner_owner)
    desk.goto(mailbox.last_link(partner_owner, "/agency/shares/"))
    expect(
        desk.get_by_text("Harbour Community Living invites Tidewater Family Services")
    ).to_be_visible()
    partner_check.check("share-invited")
    desk.get_by_role("button", name="Accept", exact=True).click()
    expect(desk.get_by_text("You joined the pooled position")).to_be_visible()
    fill_week(desk, "13:00", "16:45")
    desk.get_by_label("Monday from", exact=True).fill("12:00")  # overlaps the lead's morning
    desk.get_by_role("button", name="Save our share").click()
    expect(
        desk.get_by_text(
            "This schedule overlaps Harbour Community Living's share on Monday 12:00–12:45"
        )
    ).to_be_visible()
    partner_check.check("share-clash")
    desk.get_by_label("Monday from", exact=True).fill("13:00")
    desk.get_by_role("button", name="Save our share").click()
    expect(desk.get_by_text("Your share is saved.")).to_be_visible()
    expect(desk.get_by_text("Combined: 2 agencies · 37.5 h/week · 1.00 FTE")).to_be_visible()

    # 3. the lead publishes from the edit page; the posting shows both employers
    page.goto(live_server + "/agency/jobs")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("The job is published and searchable now.")).to_be_visible()
    expect(page.get_by_text("2 agencies · 37.5 h/week · 1.0 FTE")).to_be_visible()
    expect(
        page.get_by_role("paragraph")
        .filter(has_text="Harbour Community Living · Tidewater Family Services")
        .first
    ).to_be_visible()
    employers = page.get_by_role("region", name="Employers and their shares")
    for name, schedule in (
        ("Harbour Community Living", "09:00–12:45"),
        ("Tidewater Family Services", "13:00–16:45"),
    ):
        row = employers.get_by_role("row", name=re.compile(name))
        expect(row.get_by_text("18.75 h")).to_be_visible()
        expect(row.get_by_text(re.compile(schedule))).to_be_visible()
    page.screenshot(path=str(tmp_path / "pooled-job.png"), full_page=True)
    lead_check.check("pooled-job")

    # 4. the seeker filters to pooled positions, finds the job and applies once
    seeker_context, home = new_page(browser)
    seeker_check = Checker.on(home, live_server)
    sign_in(home, live_server, "priya@example.org")
    home.goto(live_server + "/jobs")
    home.get_by_role("link", name=re.compile("Pooled positions only")).click()
    expect(home.get_by_role("heading", name="1 job")).to_be_visible()
    expect(home.get_by_text("Pooled · 2 agencies · 37.5 h/week · 1.0 FTE")).to_be_visible()
    seeker_check.check("search-pooled")
    home.get_by_role("link", name=TITLE).click()
    seeker_check.check("pooled-job-seeker")
    home.get_by_role("link", name="Apply now").click()
    seeker_check.check("apply")
    home.get_by_label("Cover note").fill("Mornings and afternoons both suit me.")
    home.get_by_role("button", name="Send application").click()
    expect(home.get_by_text("Your application was sent")).to_be_visible()

    # 5. each agency hires the applicant into its own share
    page.goto(live_server + "/agency/jobs")
    page.locator(f'a[href="/agency/jobs/{job_id}/applicants"]').first.click()
    lead_check.check("applicants")
    page.get_by_role("link", name="Priya Sandhu").click()
    lead_check.check("applicant")
    page.get_by_label("Move to").select_option(label="Hired")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Priya Sandhu moved to “Hired”.")).to_be_visible()

    desk.goto(live_server + "/agency")
    desk.get_by_role("link", name="Pooled positions with partners").click()
    partner_check.check("shares")
    desk.get_by_role("row", name=re.compile(TITLE)).get_by_role("link", name="applicants").click()
    desk.get_by_role("link", name="Priya Sandhu").click()
    expect(desk.get_by_text("Harbour Community Living (18.75 h):")).to_be_visible()
    partner_check.check("applicant-partner")
    desk.get_by_label("Move to").select_option(label="Hired")
    desk.get_by_role("button", name="Change status").click()
    expect(
        desk.get_by_text("Priya Sandhu moved to “Hired”. The position is filled.")
    ).to_be_visible()
    partner_context.close()

    # 6. the job is filled; the seeker has one application, hired by both employers
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "filled"
    assert all(
        s.filled_at for s in db.session.scalars(select(JobShare).where(JobShare.job_id == job_id))
    )
    assert len(db.session.scalars(select(Application)).all()) == 1
    home.goto(live_server + "/applications")
    rows = home.get_by_role("row").filter(has=home.get_by_role("link", name=TITLE))
    assert rows.count() == 1
    expect(rows.get_by_text("Hired")).to_be_visible()
    seeker_check.check("applications")
    rows.get_by_role("link", name=TITLE).click()
    expect(home.get_by_text("Harbour Community Living: Hired")).to_be_visible()
    expect(home.get_by_text("Tidewater Family Services: Hired")).to_be_visible()
    home.screenshot(path=str(tmp_path / "pooled-application.png"), full_page=True)
    seeker_check.check("application")
    seeker_context.close()
    problems = lead_check.problems + partner_check.problems + seeker_check.problems
    assert not problems, report(problems)
