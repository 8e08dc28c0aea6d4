"""A pre-qualified list to an invitation, in Chromium with the demo loaded: an agency owner
creates a list (the form sent empty first: its errors), the demo seeker finds it and
applies to join, the owner qualifies them on the screening page, finds them among the
qualified members and invites them to one of the agency's jobs; the seeker sees the
invitation, from the list. Every page on the way passes axe-core's WCAG 2.2 AA checks and
fits the screen at 1280 and 375 px (``tests/support/accessibility.py``)."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.applications import DEMO_SEEKER, LEAD_AGENCY, POOLING_JOB
from portal.demo.services import DEMO_DOMAIN
from portal.models import JobInvitation, ListMember, PrequalList, User
from portal.timeutil import today_pacific
from tests.support.accessibility import Checker, report

OWNER = f"owner.{LEAD_AGENCY}@{DEMO_DOMAIN}"
NAME = "Youth workers — Vancouver Island 2027 intake"
QUESTION = "Do you hold a valid class 5 driver's licence?"


def test_a_list_from_its_creation_to_an_invitation(demo, browser, live_server, db):
    seeker_name = db.session.scalar(select(User.name).where(User.email == DEMO_SEEKER))
    agency = Checker(browser, live_server, OWNER)
    seeker = Checker(browser, live_server, DEMO_SEEKER)
    desk, home = agency.page, seeker.page

    # the owner creates the list
    desk.get_by_role("link", name="Pre-qualified lists").first.click()
    expect(desk.get_by_role("heading", name="Pre-qualified lists")).to_be_visible()
    agency.check("agency-lists")
    desk.get_by_role("link", name="New list").click()
    expect(desk.get_by_role("heading", name="New pre-qualified list")).to_be_visible()
    agency.check("list-new")
    desk.get_by_role("button", name="Save list").click()
    expect(desk.locator("#error-summary")).to_be_focused()
    agency.check("list-new-errors")
    today = today_pacific()
    desk.get_by_label("Name of the list").fill(NAME)
    desk.get_by_label("Who it is for and how screening works").fill(
        "For youth and child and youth care workers starting in 2027: screened once by "
        "phone, then invited to openings at every partner agency."
    )
    desk.get_by_label("Intake opens").fill((today - timedelta(days=1)).isoformat())
    desk.get_by_label("Intake closes").fill((today + timedelta(days=60)).isoformat())
    desk.get_by_label(re.compile(r"^42201 ")).check()
    desk.get_by_label("Vancouver Island/Coast").check()
    desk.get_by_label(re.compile(r"^Question 1(?!:)")).fill(QUESTION)
    desk.get_by_role("button", name="Save list").click()
    expect(desk.get_by_text("The list is saved.")).to_be_visible()
    expect(desk.get_by_role("heading", name=NAME)).to_be_visible()
    agency.check("list-screen-empty")
    list_id = db.session.scalar(select(PrequalList.id).where(PrequalList.name == NAME))

    # the seeker finds it among the open lists and applies to join
    seeker.visit("/lists", "lists")
    home.get_by_role("link", name=NAME).click()
    expect(home.get_by_role("heading", name="Apply to join")).to_be_visible()
    seeker.check("list")
    home.get_by_role("button", name="Apply to join").click()  # no answer, no consent
    expect(home.locator("#error-summary")).to_be_focused()
    seeker.check("list-errors")
    home.get_by_role("radiogroup", name=QUESTION).get_by_label("Yes").check()
    home.get_by_label("I agree to share my profile and résumé").check()
    home.get_by_role("button", name="Apply to join").click()
    expect(home.get_by_text("Your application to join the list is sent.")).to_be_visible()
    expect(home.get_by_role("link", name=NAME)).to_be_visible()
    seeker.check("my-lists")

    # the owner qualifies the seeker
    desk.reload()
    member = desk.locator("section.card").filter(
        has=desk.get_by_role("heading", name=re.compile(re.escape(seeker_name)))
    )
    expect(member.get_by_role("definition")).to_have_text(re.compile("^yes$", re.I))  # answer
    agency.check("list-screen")
    member.get_by_role("radio", name="Qualify").check()
    member.get_by_role("button", name="Save").click()
    expect(desk.get_by_text(f"{seeker_name}: qualified.")).to_be_visible()
    db.session.expire_all()
    status = db.session.scalar(select(ListMember.status).where(ListMember.list_id == list_id))
    assert status == "qualified"
    desk.get_by_role("link", name=re.compile(r"^Qualified")).click()
    expect(desk.get_by_role("link", name=seeker_name)).to_be_visible()
    agency.check("list-screen-qualified")

    # … finds them among the qualified members and invites them to a job
    desk.get_by_role("link", name="← Pre-qualified lists").click()
    desk.get_by_role("link", name="Search qualified members").click()
    desk.get_by_label("List", exact=True).select_option(label=NAME)
    desk.get_by_role("button", name="Search").click()
    card = desk.locator("section.card").filter(has=desk.get_by_role("link", name=seeker_name))
    expect(card).to_have_count(1)
    agency.check("talent")
    card.get_by_label("Invite to").select_option(label=POOLING_JOB)
    card.get_by_label("Message (optional)").fill("Our evening shifts would suit you.")
    card.get_by_role("button", name="Invite").click()
    expect(
        desk.get_by_text(f"{seeker_name} is invited to apply for {POOLING_JOB}.")
    ).to_be_visible()
    agency.check("talent-invited")

    # the seeker sees the invitation, from the list
    seeker.visit("/job-invitations", "invitations")
    invitation = home.locator("section.card").filter(has=home.get_by_role("link", name=POOLING_JOB))
    expect(invitation.get_by_text(f"from the list {NAME}")).to_be_visible()
    expect(invitation.get_by_text("Our evening shifts would suit you.")).to_be_visible()
    expect(invitation.get_by_role("button", name="Accept and apply")).to_be_visible()
    assert (
        db.session.scalar(
            select(JobInvitation.list_id).where(JobInvitation.message.like("Our evening%"))
        )
        == list_id
    )
    agency.close()
    seeker.close()
    assert not agency.problems + seeker.problems, report(agency.problems + seeker.problems)
