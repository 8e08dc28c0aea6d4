"""Matching in Chromium. A seeker who wants 37.5 hours a week finds a full-time week made
of two agencies' part-time jobs, sees its timetable and applies to both at once; each
agency sees only its own applicant. An agency invites an anonymous suggested candidate,
who sees the chart, accepts, applies, and is then known to the agency by name.

Screenshots of the matching pages at 1280 and 375 px go to /tmp/shots/ (not kept)."""

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.demo.applications import resume_pdf
from portal.models import Application, Community, Occupation, SeekerProfile
from portal.models.seekers import DAY_PARTS
from portal.seekers.services import attach_resume, make_visible
from tests.support import new_job
from tests.support.browser import sign_in

SHOTS = Path("/tmp/shots")
WIDTHS = (1280, 375)
WEEKDAYS = range(5)


def new_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def shoot(page, name: str) -> None:
    """Full-page screenshots at the desktop and phone widths; the page is 1280 wide after."""
    SHOTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def seeker_with_profile(db, make_user, name: str, email: str, community, visible=False):
    """A seeker who wants full-time work in ``community``, free all week, résumé on file."""
    seeker = make_user(role="seeker", name=name, email=email)
    attach_resume(
        seeker,
        FileStorage(
            stream=io.BytesIO(resume_pdf(name, "Community support worker")),
            filename=f"{name.replace(' ', '-')}-CV.pdf",
            content_type="application/pdf",
        ),
    )
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == seeker.id))
    profile.headline = "Community support worker, five years in group homes"
    profile.summary = "Person-centred support for adults with developmental disabilities."
    profile.hours_wanted = "full_time"
    profile.occupations = [
        db.session.scalar(select(Occupation).where(Occupation.noc_code == "42201"))
    ]
    profile.regions = [community.region]
    profile.communities = [community]
    profile.availability = [[d, p] for d in range(7) for p in DAY_PARTS]
    if visible:
        make_visible(profile, seeker)
    db.session.commit()
    return seeker


def part_time_job(agency, title: str, start: str, end: str, hours: float, community):
    return new_job(
        agency,
        title=title,
        employment_type="part_time",
        hours_per_week=hours,
        schedule=f"Monday to Friday, {start} to {end}",
        schedule_blocks=[[d, start, end] for d in WEEKDAYS],
        community_id=community.id,
    )


def test_a_full_time_week_from_two_part_time_jobs(
    browser, page, live_server, db, make_agency, make_user
):
    community = db.session.scalar(select(Community).order_by(Community.id))
    harbour = make_agency(name="Harbour Community Living")
    tidewater = make_agency(name="Tidewater Family Services")
    mornings = part_time_job(
        harbour, "Morning Community Support Worker", "07:00", "11:00", 20, community
    )
    evenings = part_time_job(
        tidewater, "Evening Community Support Worker", "16:00", "19:30", 17.5, community
    )
    seeker_with_profile(db, make_user, "Priya Sandhu", "priya@example.org", community)
    ids = {"harbour": mornings.id, "tidewater": evenings.id}
    owners = {"harbour": harbour.owner.email, "tidewater": tidewater.owner.email}

    # 1. recommended jobs with stars and charts
    sign_in(page, live_server, "priya@example.org")
    page.goto(live_server + "/recommended")
    for title in ("Morning Community Support Worker", "Evening Community Support Worker"):
        expect(page.get_by_role("link", name=title).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d of 5 stars")).first).to_be_attached()
    page.get_by_text("Why this match").first.click()
    expect(page.get_by_role("table").first).to_be_visible()
    shoot(page, "recommended")

    # 2. the full-time week (linked for a seeker who wants full-time hours): both jobs,
    #    their timetable, no overlap
    page.get_by_role("link", name="See full-time weeks made of part-time jobs").click()
    page.wait_for_url(re.compile(r"/recommended/week$"))
    week = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Week 1: 37.5 hours from 2 jobs")
    )
    expect(week).to_be_visible()
    # the week is open; its legend gives each job a letter, the timetable uses the letters
    jobs = week.get_by_role("list", name="The jobs, and their letters in the timetable")
    key = {}
    for title, agency in (
        ("Morning Community Support Worker", "Harbour Community Living"),
        ("Evening Community Support Worker", "Tidewater Family Services"),
    ):
        item = jobs.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))
        expect(item).to_be_visible()
        expect(item).to_contain_text(f"{title} · {agency} · {community.name}")
        key[title] = item.locator(".badge").inner_text()
    assert sorted(key.values()) == ["A", "B"]
    timetable = week.get_by_role("table", name="Weekly timetable of week 1")
    monday = timetable.get_by_role("row", name=re.compile("^Monday"))
    for time, title in (
        ("07:00–11:00", "Morning Community Support Worker"),
        ("16:00–19:30", "Evening Community Support Worker"),
    ):
        shift = monday.locator("li.shift").filter(has_text=time)
        expect(shift.locator(".badge")).to_have_text(key[title])
        expect(shift.locator(".badge")).to_be_visible()
        expect(shift).to_contain_text(title)  # for screen readers
    shoot(page, "week")

    # 3. "apply to all" from the keyboard
    week.get_by_label("Cover note for week 1").fill("Mornings and evenings suit me well.")
    week.get_by_label("Cover note for week 1").press("Tab")
    apply = week.get_by_role("button", name="Apply to all 2 jobs of week 1")
    expect(apply).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/applications$"))
    expect(page.get_by_text(re.compile(r"^2 applications sent"))).to_be_visible()
    for title in ("Morning Community Support Worker", "Evening Community Support Worker"):
        expect(page.get_by_role("link", name=title)).to_be_visible()
    db.session.expire_all()
    sent = db.session.scalars(select(Application)).all()
    assert sorted(a.job_id for a in sent) == sorted(ids.values())
    assert all(a.cover_note == "Mornings and evenings suit me well." for a in sent)

    # 4. each agency sees its own applicant, and not the other agency's
    for key, other in (("harbour", "tidewater"), ("tidewater", "harbour")):
        context, desk = new_page(browser)
        sign_in(desk, live_server, owners[key])
        desk.goto(f"{live_server}/agency/jobs/{ids[key]}/applicants")
        expect(desk.get_by_role("link", name="Priya Sandhu")).to_be_visible()
        response = desk.goto(f"{live_server}/agency/jobs/{ids[other]}/applicants")
        assert response.status == 404
        context.close()


def test_an_invited_candidate_accepts_and_applies(
    browser, page, live_server, db, make_agency, make_user, make_recruiter
):
    community = db.session.scalar(select(Community).order_by(Community.id))
    cedar = make_agency(name="Cedar Family Services")
    recruiter = make_recruiter(cedar).email
    job = new_job(
        cedar,
        title="Family Support Worker",
        schedule_blocks=[[d, "09:00", "16:30"] for d in WEEKDAYS],
        community_id=community.id,
    )
    job_id = job.id
    seeker_with_profile(db, make_user, "Maya Chen", "maya@example.org", community, visible=True)

    # 1. the recruiter sees an anonymous suggested candidate and invites them
    sign_in(page, live_server, recruiter)
    page.goto(f"{live_server}/agency/jobs/{job_id}/candidates")
    expect(page.get_by_role("heading", name="Suggested candidates")).to_be_visible()
    link = page.locator("a.candidate-link").first
    expect(link).to_be_visible()
    expect(page.get_by_text("Maya Chen")).to_have_count(0)
    shoot(page, "candidates")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Anonymous until this person accepts")).to_be_visible()
    expect(page.get_by_text("Maya Chen")).to_have_count(0)
    page.get_by_label("Your message").fill(
        "We think you would be a great fit for our family support team. Please apply!"
    )
    page.get_by_role("button", name="Invite to apply").click()
    expect(
        page.get_by_text(re.compile(r"is invited to apply for Family Support Worker"))
    ).to_be_visible()
    expect(page.locator("#stat-sent")).to_have_text("1")

    # 2. the seeker sees the invitation with the chart, accepts and applies
    context, home = new_page(browser)
    sign_in(home, live_server, "maya@example.org")
    home.goto(live_server + "/job-invitations")
    card = home.locator("section.card").filter(has_text="Family Support Worker")
    expect(card.get_by_text("Please apply!")).to_be_visible()
    expect(card.get_by_text("Your match:")).to_be_visible()
    card.get_by_text("Why this match").click()
    expect(card.get_by_role("table")).to_be_visible()
    card.get_by_role("button", name="Accept and apply").click()
    page_url = re.compile(rf"/jobs/{job_id}/apply")
    home.wait_for_url(page_url)
    expect(home.get_by_text("Invitation accepted: apply below.")).to_be_visible()
    home.get_by_label("Cover note").fill("Thank you for the invitation.")
    home.get_by_role("button", name="Send application").click()
    expect(home.get_by_text("Your application was sent")).to_be_visible()
    context.close()

    # 3. the agency now knows the applicant by name; the job's invitation numbers
    page.goto(f"{live_server}/agency/jobs/{job_id}/candidates")
    expect(page.locator("#stat-sent")).to_have_text("1")
    expect(page.locator("#stat-accepted")).to_have_text("1")
    expect(page.locator("#stat-applied")).to_have_text("1")
    expect(page.get_by_role("link", name="Maya Chen")).to_be_visible()
    page.goto(f"{live_server}/agency/jobs/{job_id}/applicants")
    expect(page.get_by_role("link", name="Maya Chen")).to_be_visible()
