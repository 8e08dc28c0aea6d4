"""An administrator's pages, in Chromium with the demo loaded: signing in with two-step
sign-in, the admin overview, a pending agency (rejected without a reason first: its
error), approved; the agencies list filtered; the users list searched, a user's page.
Every page passes axe-core's WCAG 2.2 AA checks and fits the screen at 1280 and 375 px."""

import re

import pyotp
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from portal.models import Agency, User
from portal.models.types import utcnow
from tests.support import two_step_code
from tests.support.accessibility import Checker, report

ADMIN = f"admin@{DEMO_DOMAIN}"
CHAMPION_NAME = "Harper Champion"


def test_an_administrators_pages(demo, browser, live_server, db, app):
    admin_user = db.session.scalar(select(User).where(User.email == ADMIN))
    admin_user.totp_secret = pyotp.random_base32()  # two-step sign-in already set up
    admin_user.totp_enabled_at = utcnow()
    db.session.commit()

    admin = Checker(browser, live_server, None)
    page = admin.page
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/login/verify$"))
    admin.check("two-step-code")
    page.get_by_label("Code", exact=True).fill(two_step_code(app, ADMIN))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    admin.check("dashboard")

    admin.visit("/admin/", "admin")
    pending = db.session.scalars(
        select(Agency.name).where(Agency.status == "pending").order_by(Agency.id)
    ).first()
    page.get_by_role("link", name=pending).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(pending)))).to_be_visible()
    admin.check("agency-pending")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator("#error-summary")).to_be_focused()
    admin.check("agency-reject-errors")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("button", name="Suspend")).to_be_visible()
    admin.check("agency-approved")
    db.session.expire_all()
    assert db.session.scalar(select(Agency.status).where(Agency.name == pending)) == "approved"

    page.get_by_role("link", name="Agencies", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Agencies"))).to_be_visible()
    admin.check("agencies")
    page.get_by_label("Status").select_option(index=1)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"status="))
    admin.check("agencies-filtered")

    page.get_by_role("link", name="Users", exact=True).click()
    admin.check("users")
    page.get_by_label("Search users").fill("champion")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=CHAMPION_NAME).click()
    expect(page.get_by_role("button", name="Remove HR champion role")).to_be_visible()
    admin.check("user")
    admin.close()
    assert not admin.problems, report(admin.problems)
