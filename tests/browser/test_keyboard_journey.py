"""Applying and screening from the keyboard alone (Tab, Shift+Tab, Enter, Space, typing:
no mouse), in Chromium with the demo loaded. The demo seeker uploads a résumé (the file
field reached with Tab; the file chosen as the system's file chooser would), opens the
lead agency's job and applies, answering its screening questions; the agency's owner
opens the job's applicants and moves the new applicant to the next stage. Then the rest of
each one's own pages (the seeker's dashboard, saved jobs and account, the agency's home,
details, job seekers, emails). Every element
the focus stops on has a name, shows the focus outline and is not hidden behind anything;
every page passes axe-core's WCAG 2.2 AA checks at 1280 and 375 px."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.applications import DEMO_SEEKER, LEAD_AGENCY, LEAD_JOB, resume_pdf
from portal.demo.services import DEMO_DOMAIN
from portal.models import Agency, Application, Job, User
from tests.support.accessibility import Checker, report

OWNER = f"owner.{LEAD_AGENCY}@{DEMO_DOMAIN}"

PROBE = """<!doctype html><html lang="en"><title>Probe</title>
<style>header { position: fixed; top: 0; left: 0; right: 0; height: 120px; background: #fff; }
a:focus-visible, button:focus-visible { outline: 3px solid #000; }</style>
<body><header><a href="#top">Home</a></header><main style="padding: 130px 0 1000px">
<h1>Probe</h1><p style="height: 2000px">Long text</p>
<a href="#one">Under the header</a>
<button style="outline: none">No ring</button>
<button>Last</button>
<p id="summary" tabindex="-1">Errors</p>
</main></body></html>"""


def test_the_keyboard_checks_catch_what_they_look_for(browser):
    """Tab moves the focus to a link that the fixed header covers, then to a button
    without a ring: both are reported; the focus reaches the last button; a box that
    should have the focus but does not is reported; an element Tab never reaches fails at
    once."""
    probe = Checker(browser, "http://probe.invalid", None)
    page = probe.page
    page.route(
        "http://probe.invalid/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=PROBE),
    )
    page.goto("http://probe.invalid/")
    under = page.get_by_role("link", name="Under the header")
    # the link in view but under the header: the browser has no need to scroll to it
    under.evaluate("a => window.scrollBy(0, a.getBoundingClientRect().top - 50)")
    page.get_by_role("link", name="Home").focus()
    probe.tab_to(under, "probe")
    probe.tab_to(page.get_by_role("button", name="Last"), "probe")
    probe.has_focus(page.locator("#summary"), "probe")
    try:
        probe.tab_to(page.get_by_role("heading", name="Probe"), "probe", limit=5)
    except AssertionError as error:
        assert "5 presses of Tab never reached" in str(error), error
    else:
        raise AssertionError("tab_to went on without its target")
    probe.close()
    found = "\n".join(probe.problems)
    assert 'probe: focus hidden by header on <a href="#one">' in found, found
    assert "probe: focus not visible on <button" in found and "No ring" in found, found
    assert "probe: Last" not in found and "does not take the focus" in found, found


def test_applying_and_screening_from_the_keyboard(demo, browser, live_server, db, tmp_path):
    seeker_name = db.session.scalar(select(User.name).where(User.email == DEMO_SEEKER))
    job_id = db.session.scalar(
        select(Job.id)
        .join(Agency, Agency.id == Job.agency_id)
        .where(Agency.slug == LEAD_AGENCY, Job.title == LEAD_JOB, Job.status == "published")
    )
    cv = tmp_path / "My-CV-2027.pdf"
    cv.write_bytes(resume_pdf(seeker_name, "Respite and home support worker"))

    # the seeker's résumé: Tab to the file field, the file chosen, Tab to the button
    seeker = Checker(browser, live_server, DEMO_SEEKER)
    page = seeker.page
    # the file chooser is caught from the start: with expect_file_chooser() Playwright may
    # still be asking Chromium to intercept it when the key is pressed (flaky under load)
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    seeker.visit("/profile/resume", "resume")
    upload = page.get_by_label(re.compile("^Résumé file"))
    seeker.tab_to(upload, "resume")
    page.keyboard.press("Space")  # opens the system's file chooser
    for _ in range(150):  # until it has opened (15 s at most)
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, "Space on the file field did not open the file chooser"
    choosers[0].set_files(str(cv))
    seeker.tab_to(page.get_by_role("button", name="Upload résumé"), "resume")
    seeker.press("Enter", "resume", navigates=True)
    expect(page.get_by_text("My-CV-2027.pdf").first).to_be_visible()
    seeker.check("resume-uploaded")

    # the job, and the application with its screening questions
    seeker.visit(f"/jobs/{job_id}", "job")
    seeker.tab_to(page.get_by_role("link", name="Apply now"), "job")
    seeker.press("Enter", "job", navigates=True)
    expect(page.get_by_role("heading", name=f"Apply for {LEAD_JOB}")).to_be_visible()
    expect(page.get_by_text("My-CV-2027.pdf")).to_be_visible()
    seeker.check("apply")
    yes = page.get_by_role("radio", name="Yes").first
    seeker.tab_to(yes, "apply")
    seeker.press("Space", "apply")
    expect(yes).to_be_checked()
    seeker.tab_to(page.get_by_label(re.compile("^How soon could you start")), "apply")
    page.keyboard.type("In two weeks")
    seeker.tab_to(page.get_by_label(re.compile("^Cover note")), "apply")
    page.keyboard.type("I drive, and I know the families of the valley well.")
    seeker.tab_to(page.get_by_role("button", name="Send application"), "apply")
    seeker.press("Enter", "apply", navigates=True)
    expect(page.get_by_text("Your application was sent")).to_be_visible()
    seeker.check("applied")
    application = db.session.scalar(
        select(Application)
        .join(User, User.id == Application.seeker_id)
        .where(User.email == DEMO_SEEKER, Application.job_id == job_id)
    )
    assert application is not None and application.resume.filename == "My-CV-2027.pdf"

    # the owner: the job's applicants, the new one, moved on to screening
    owner = Checker(browser, live_server, OWNER)
    desk = owner.page
    owner.visit(f"/agency/jobs/{job_id}/applicants", "applicants")
    owner.tab_to(desk.get_by_role("link", name=seeker_name, exact=True), "applicants")
    owner.press("Enter", "applicants", navigates=True)
    expect(desk.get_by_text("In two weeks")).to_be_visible()
    owner.check("applicant")
    status = desk.get_by_label("Move to")
    owner.tab_to(status, "applicant")
    desk.keyboard.type("Screen")  # type-ahead in the closed list
    expect(status).to_have_value("screening")
    owner.tab_to(desk.get_by_role("button", name="Change status"), "applicant")
    owner.press("Enter", "applicant", navigates=True)
    expect(desk.get_by_text(f"{seeker_name} moved to “Screening”")).to_be_visible()
    owner.check("applicant-moved")
    db.session.expire_all()
    assert [e.to_status for e in db.session.get(Application, application.id).events] == [
        "new",
        "screening",
    ]

    # the seeker sees the new stage
    seeker.visit("/applications", "applications")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=LEAD_JOB))
    expect(row.get_by_text("Screening")).to_be_visible()

    # the rest of each one's own pages
    for path in ("/dashboard", "/saved-jobs", "/account", "/account/two-step"):
        seeker.visit(path, "seeker" + path.replace("/", "-"))
    for path in ("/agency", "/agency/edit", "/agency/people", "/agency/alerts", "/agency/messages"):
        owner.visit(path, "owner" + path.replace("/", "-"))
    seeker.close()
    owner.close()
    problems = seeker.problems + owner.problems
    assert not problems, report(problems)
