"""A seeker registers, confirms by the emailed link, signs in and sees the dashboard; each
page passes axe-core's WCAG 2.2 AA checks at 1280 and 375 px (the home page, the form
empty and with its errors, "check your email", the confirmed sign-in page, the dashboard)."""

import re

from playwright.sync_api import expect

from tests.support import PASSWORD
from tests.support.accessibility import Checker, report


def test_register_confirm_login_dashboard(page, live_server, mailbox, tmp_path):
    checker = Checker.on(page, live_server)
    page.goto(live_server + "/")
    checker.check("home")
    page.get_by_role("link", name="Create account").click()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#error-summary")).to_be_focused()
    checker.check("register-errors")
    page.get_by_label("Your name").fill("Jasmine Gill")
    page.get_by_label("Email address").fill("jasmine@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    checker.check("check-email")

    link = mailbox.last_link("jasmine@example.org", "/confirm/")
    page.goto(link)
    assert "your email address is confirmed" in page.content()
    checker.check("confirmed")

    page.get_by_label("Email address").fill("jasmine@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name="Welcome, Jasmine Gill")).to_be_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    checker.check("dashboard")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert not checker.problems, report(checker.problems)
