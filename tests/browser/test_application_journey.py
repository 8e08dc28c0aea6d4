"""The whole application journey in Chromium: a seeker registers, fills the profile,
uploads a résumé, searches, applies with screening answers; a recruiter moves the
application to offer and then hired; the job shows as filled and the seeker sees it.
Every page on the way passes axe-core's WCAG 2.2 AA checks and fits the screen at 1280
and 375 px (``tests/support/accessibility.py``)."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.applications import services as applications
from portal.demo.applications import resume_pdf
from portal.models import Application, Job
from tests.support import PASSWORD
from tests.support.accessibility import Checker, report
from tests.support.browser import sign_in


def test_seeker_applies_and_is_hired(
    browser, page, live_server, mailbox, db, make_agency, make_recruiter, make_job, tmp_path
):
    agency = make_agency(name="Harbour Community Living")
    recruiter = make_recruiter(agency)
    job = make_job(agency=agency, title="Residential Support Worker — Nanaimo")
    applications.add_question(
        job,
        {
            "text": "Do you hold a valid BC driver's licence?",
            "kind": "yes_no",
            "required": True,
            "knockout_answer": "yes",
        },
        agency.owner,
    )
    applications.add_question(
        job,
        {
            "text": "How soon could you start?",
            "kind": "text",
            "required": True,
            "knockout_answer": None,
        },
        agency.owner,
    )
    db.session.commit()
    job_id = job.id

    # the seeker registers and confirms by the emailed link
    page.goto(live_server + "/register")
    page.get_by_label("Your name").fill("Priya Sandhu")
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.goto(mailbox.last_link("priya@example.org", "/confirm/"))
    sign_in(page, live_server, "priya@example.org")
    seeker = Checker.on(page, live_server)
    seeker.check("dashboard")

    # profile
    page.goto(live_server + "/profile")
    page.get_by_label("Headline").fill("Community support worker, 5 years in group homes")
    page.get_by_label("Social and community service workers").check()
    page.get_by_label("Vancouver Island/Coast").check()
    page.get_by_label("Full-time").check()
    page.get_by_role("button", name="Save profile").click()
    seeker.check("profile")
    assert page.get_by_text(
        "Community support worker, 5 years in group homes"
    ).count() or page.get_by_label("Headline").input_value().startswith("Community support")

    # résumé
    cv = tmp_path / "Priya-Sandhu-CV.pdf"
    cv.write_bytes(resume_pdf("Priya Sandhu", "Community support worker"))
    page.goto(live_server + "/profile/resume")
    page.get_by_label(re.compile("Résumé file")).set_input_files(str(cv))
    page.get_by_role("button", name="Upload résumé").click()
    expect(page.get_by_text("Priya-Sandhu-CV.pdf").first).to_be_visible()
    seeker.check("resume")

    # search and apply
    page.goto(live_server + "/jobs")
    page.get_by_label("Keywords").fill("residential support nanaimo")
    page.get_by_label("Keywords").press("Enter")
    expect(page.get_by_role("heading", name=re.compile("for “residential"))).to_be_visible()
    seeker.check("search")
    page.get_by_role("link", name="Residential Support Worker — Nanaimo").first.click()
    seeker.check("job")
    page.get_by_role("link", name="Apply now").click()
    page.get_by_role("button", name="Send application").click()  # nothing answered
    expect(page.locator("#error-summary")).to_be_focused()
    seeker.check("apply-errors")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("How soon could you start?").fill("In two weeks")
    page.get_by_label("Cover note").fill("I know the Nanaimo community well.")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application was sent")).to_be_visible()
    page.screenshot(path=str(tmp_path / "applied.png"), full_page=True)
    seeker.check("applied")

    # the recruiter moves the application to offer, then hires
    staff = browser.new_context()
    desk = staff.new_page()
    desk.set_default_timeout(15000)
    recruiter_check = Checker.on(desk, live_server)
    sign_in(desk, live_server, recruiter.email)
    recruiter_check.check("agency")
    desk.goto(live_server + "/agency/jobs")
    recruiter_check.check("agency-jobs")
    desk.locator(f'a[href="/agency/jobs/{job_id}/applicants"]').first.click()
    recruiter_check.check("applicants")
    desk.get_by_role("link", name="Priya Sandhu").click()
    expect(desk.get_by_text("In two weeks")).to_be_visible()
    recruiter_check.check("applicant")
    for status in ("Offer", "Hired"):
        desk.get_by_label("Move to").select_option(label=status)
        desk.get_by_role("button", name="Change status").click()
        expect(desk.get_by_text(f"Priya Sandhu moved to “{status}”")).to_be_visible()
    desk.screenshot(path=str(tmp_path / "hired.png"), full_page=True)
    staff.close()

    # the job is filled and out of search; the seeker sees "Hired"
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "filled"
    page.goto(live_server + f"/jobs/{job_id}")
    expect(page.get_by_text("This job is no longer open")).to_be_visible()
    seeker.check("job-filled")
    page.goto(live_server + "/jobs?q=residential+support+nanaimo")
    assert page.get_by_role("link", name="Residential Support Worker — Nanaimo").count() == 0
    page.goto(live_server + "/applications")
    expect(page.get_by_text("Hired").first).to_be_visible()
    seeker.check("applications")
    page.get_by_role("link", name="Residential Support Worker — Nanaimo").first.click()
    expect(page.get_by_text("Hired").first).to_be_visible()
    seeker.check("application")
    application = db.session.scalar(select(Application))
    assert [e.to_status for e in application.events] == ["new", "offer", "hired"]
    problems = seeker.problems + recruiter_check.problems
    assert not problems, report(problems)
