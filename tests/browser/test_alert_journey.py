"""Job alerts in Chromium. A visitor saves a search as an alert from the search page,
confirms it from the email, gets a digest with a new job (the worker's ``alerts run``) and
unsubscribes from the digest's link. The alert pages pass axe-core's WCAG 2.2 AA checks
at 1280 and 375 px (the matching pages' ``Checker``): the form (empty, with errors,
signed in), "check your email", confirm, confirmed, the alert's page from its link,
unsubscribe and unsubscribed, a dead link, a seeker's alerts (waiting, on, paused, paused
after failures, the "match my profile" form) and the admin's bounced addresses. The alert
form is filled in and sent from the keyboard alone.

Set ``PORTAL_SCREENSHOTS=<dir>`` to keep full-page screenshots of every page at both widths."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.alerts import services, tokens
from portal.models import MailBounce, SavedSearch
from portal.seekers.services import get_or_create_profile
from tests.support import PASSWORD, two_step_code
from tests.support.accessibility import Checker, report
from tests.support.alerts import alert_of, make_due, published_ago, run_alerts
from tests.support.browser import sign_in

VISITOR = "robin@example.org"
SEEKER = "sasha@example.org"
CONFIRM_SUBJECT = "Confirm your job alert"


def _digests(mailbox, address: str) -> list:
    return [m for m in mailbox.to(address) if m["Subject"] != CONFIRM_SUBJECT]


def _alerts(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(SavedSearch))


def test_a_visitor_saves_confirms_gets_a_digest_and_unsubscribes(
    page, live_server, mailbox, db, runner, make_agency, make_job
):
    agency = make_agency(name="Harbour Family Services")
    older = make_job(agency=agency, title="Outreach Worker — Nanaimo")
    published_ago(older.id, timedelta(days=2))  # before the alert: never in a digest

    page.goto(live_server + "/jobs?q=outreach")
    expect(page.get_by_role("link", name="Outreach Worker — Nanaimo")).to_be_visible()
    page.get_by_role("link", name="Email me new jobs like these").click()
    page.wait_for_url(re.compile(r"/alerts/new\?q=outreach$"))
    expect(page.get_by_text("“outreach” — all jobs")).to_be_visible()
    page.get_by_label("Your email address").fill(VISITOR)
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="Email me new jobs like these").click()
    page.wait_for_url(re.compile(r"/alerts/check-email$"))
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    alert = alert_of(VISITOR)
    assert alert.query == "q=outreach" and alert.frequency == "weekly"
    assert alert.confirmed_at is None

    link = mailbox.last_link(VISITOR, "/alerts/confirm/")
    assert link.startswith(live_server + "/alerts/confirm/")
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm your job alert")).to_be_visible()
    assert alert_of(VISITOR).confirmed_at is None  # opening the link is not confirming
    page.get_by_role("button", name="Confirm my alert").click()
    expect(page.get_by_role("heading", name="Your alert is on")).to_be_visible()
    expect(page.get_by_text("We will email you new jobs once a week")).to_be_visible()
    expect(page.get_by_role("link", name="Change this alert")).to_have_attribute(
        "href", re.compile(r"/alerts/manage/[\w.-]+$")
    )
    assert alert_of(VISITOR).confirmed_at is not None

    job = make_job(agency=agency, title="Outreach Coordinator — Duncan")
    make_due(alert.id)
    assert "1 alerts run, 1 digests queued with 1 jobs" in run_alerts(runner)
    (digest,) = _digests(mailbox, VISITOR)
    assert digest["Subject"].startswith("1 new job: ")
    plain = digest.get_body(("plain",)).get_content()
    assert job.title in plain and "Harbour Family Services" in plain
    assert older.title not in plain
    unsubscribe = re.search(r"Unsubscribe from this alert: (\S+)", plain).group(1)
    assert unsubscribe.startswith(live_server + "/alerts/unsubscribe/")
    assert digest["List-Unsubscribe"] == f"<{unsubscribe}>"

    page.goto(unsubscribe)
    expect(page.get_by_role("heading", name="Unsubscribe from this alert?")).to_be_visible()
    assert _alerts(db) == 1  # opening the link is not unsubscribing
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    gone = page.get_by_text("no more emails for this alert: “outreach” — all jobs. The alert")
    expect(gone).to_be_visible()
    assert _alerts(db) == 0


def test_the_alert_pages_for_a_visitor(browser, live_server, mailbox, db):
    visitor = Checker(browser, live_server, None)
    page = visitor.page

    visitor.visit("/alerts/new?q=outreach&type=part_time", "new")
    page.get_by_role("button", name="Email me new jobs like these").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label("Your email address")).to_have_attribute("aria-invalid", "true")
    visitor.check("new-errors")

    # from the keyboard alone: Tab to the address, type it, an arrow key to "Once a week"
    # (radio buttons are one stop), Space to choose it, Tab to the button, Enter
    page.goto(live_server + "/alerts/new?q=outreach&type=part_time")
    seen = visitor.tab_through("new", within="main form")
    visitor.reaches(
        seen,
        "new",
        r"^input: Your email address",
        r"^input: Once a day",
        r"^button: Email me new jobs like these",
    )
    page.goto(live_server + "/alerts/new?q=outreach&type=part_time")
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name === 'email'"):
            break
    expect(page.get_by_label("Your email address")).to_be_focused()
    page.keyboard.type(VISITOR)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Once a day")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.get_by_label("Once a week")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Email me new jobs like these")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/alerts/check-email$"))
    alert = alert_of(VISITOR)
    assert alert.frequency == "weekly" and alert.query == "q=outreach&type=part_time"
    visitor.check("check-email")

    page.goto(mailbox.last_link(VISITOR, "/alerts/confirm/"))
    visitor.check("confirm")
    page.get_by_role("button", name="Confirm my alert").click()
    expect(page.get_by_role("heading", name="Your alert is on")).to_be_visible()
    visitor.check("confirmed")

    page.get_by_role("link", name="Change this alert").click()
    page.wait_for_url(re.compile(r"/alerts/manage/"))
    visitor.check("manage")
    seen = visitor.tab_through("manage", within="main")
    visitor.reaches(seen, "manage", r"^select: How often", r"^button: Pause", r"^a: Unsubscribe")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    visitor.check("manage-paused")

    path = "/alerts/unsubscribe/" + tokens.make(alert_of(VISITOR), "unsubscribe")
    visitor.visit(path, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    visitor.check("unsubscribed")
    assert _alerts(db) == 0
    response = page.goto(live_server + path)
    assert response.status == 404
    visitor.check("link-dead")
    visitor.close()
    assert not visitor.problems, report(visitor.problems)


def _confirmed(user, **fields) -> SavedSearch:
    """An alert of ``user``'s, saved and confirmed (through the services: the pages that
    do it are the visitor's test)."""
    return services.confirm(services.create(user=user, **fields))


def test_a_seekers_alerts_page(browser, live_server, db, app, make_user):
    seeker = make_user(role="seeker", email=SEEKER, name="Sasha Seeker")
    get_or_create_profile(seeker)
    with app.test_request_context(base_url=live_server):
        on = _confirmed(seeker, frequency="daily", query="q=outreach")
        paused = _confirmed(seeker, frequency="weekly", query="q=youth+worker&type=part_time")
        services.pause(paused)
        _confirmed(seeker, frequency="instant").paused_reason = "failures"
        _confirmed(seeker, frequency="daily", kind="matches", min_stars=4)
    db.session.commit()
    on_id, paused_id = on.id, paused.id

    checker = Checker(browser, live_server, None)
    page = checker.page
    sign_in(page, live_server, SEEKER)

    checker.visit("/alerts/new?q=family+support", "new-signed-in")
    expect(page.get_by_label("Your email address")).to_have_count(0)
    page.get_by_role("button", name="Email me new jobs like these").click()
    page.wait_for_url(re.compile(r"/alerts\?saved=1$"))
    expect(page.get_by_text("Waiting for confirmation")).to_be_visible()
    for badge in ("On", "Paused"):
        expect(page.locator("main .badge", has_text=re.compile(f"^{badge}$")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Email me jobs that match my profile")).to_be_visible()
    checker.check("alerts")
    seen = checker.tab_through("alerts", within="main")
    checker.reaches(
        seen,
        "alerts",
        r"^select: How often",
        r"^button: Pause",
        r"^button: Resume",
        r"^button: Delete the alert: “outreach” — all jobs$",
        r"^select: Jobs that match my profile with at least",
        r"^input: Once a day",
        r"^button: Email me matching jobs",
    )

    # pause and resume from the page: the badges follow
    alert = page.locator(f"article[aria-labelledby=alert-{on_id}]")
    alert.get_by_role("button", name="Pause").click()
    expect(alert.locator(".badge")).to_have_text("Paused")
    resume = page.locator(f"article[aria-labelledby=alert-{paused_id}]")
    resume.get_by_role("button", name="Resume").click()
    expect(resume.locator(".badge")).to_have_text("On")
    checker.check("alerts-changed")
    checker.close()
    assert not checker.problems, report(checker.problems)


def test_the_admins_bounced_addresses(browser, live_server, db, app, make_user):
    make_user(role="admin", email="admin@example.org", two_step=True)
    admin = Checker(browser, live_server, None)
    page = admin.page
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/login/verify$"))
    page.locator("#code").fill(two_step_code(app, "admin@example.org"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)

    admin.visit("/admin/bounces", "bounces-empty")
    page.get_by_label("Address that bounced or complained").fill("not an address")
    page.get_by_role("button", name="Stop alerts to this address").click()
    expect(page.locator("#error-summary")).to_be_visible()
    admin.check("bounces-errors")
    page.get_by_label("Address that bounced or complained").fill("gone@example.org")
    page.get_by_label("Reason (optional)").fill("550 no such user")
    page.get_by_role("button", name="Stop alerts to this address").click()
    expect(page.get_by_role("cell", name="gone@example.org", exact=True)).to_be_visible()
    admin.check("bounces")
    admin.close()
    assert db.session.scalar(select(func.count()).select_from(MailBounce)) == 1
    assert not admin.problems, report(admin.problems)
