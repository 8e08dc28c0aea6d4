"""Saved searches as email alerts: double opt-in, the digest (content, headers, never a
job twice, only live jobs, only jobs newer than the confirmation), one-click unsubscribe,
the signed-in seeker's alerts page, bounces and failures, and runs at the same time."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.alerts import runner as alert_runner
from portal.extensions import db as _db
from portal.models import AlertDelivery, Job, MailBounce, OutboxMessage, SavedSearch
from portal.models.types import utcnow
from tests.support import count, field_error, text
from tests.support.alerts import (
    alert_of,
    confirm,
    make_due,
    published_ago,
    run_alerts,
    save_alert,
    tampered,
)
from tests.support.reference import occupation_id

SEARCH = "q=outreach"


def _digests(mailbox, address):
    return [
        m for m in mailbox.to(address) if "for your alert" in m.get_body(("plain",)).get_content()
    ]


@pytest.fixture
def agency(make_agency):
    return make_agency(name="Harbour Family Services")


def test_a_visitor_saves_a_search_and_confirms_it_before_anything_is_sent(
    db, client, mailbox, agency, make_job
):
    page = text(client.get(f"/jobs?{SEARCH}"))
    assert 'href="/alerts/new?q=outreach"' in page
    form = text(client.get(f"/alerts/new?{SEARCH}&page=3&sort=pay"))
    assert "“outreach” — all jobs" in form and 'name="email"' in form

    link = save_alert(client, mailbox, "Visitor@Example.org", SEARCH, "instant")
    alert = alert_of("visitor@example.org")
    assert alert.query == "q=outreach" and alert.confirmed_at is None
    assert alert.frequency == "instant" and alert.user_id is None
    message = mailbox.to("visitor@example.org")[-1]
    assert message["Subject"] == "Confirm your job alert"
    assert "“outreach” — all jobs" in message.get_body(("plain",)).get_content()

    make_job(agency=agency, title="Outreach Worker")  # unconfirmed: nothing is sent
    _db.session.execute(update(SavedSearch).values(next_run_at=utcnow()))
    _db.session.commit()
    run_alerts(client.application.test_cli_runner())
    assert _digests(mailbox, "visitor@example.org") == []

    confirmed = confirm(client, link)
    assert "Your alert is on" in text(confirmed)
    assert alert_of("visitor@example.org").confirmed_at is not None


def test_a_bad_email_address_is_refused_on_the_page_and_nothing_is_saved(db, client, mailbox):
    response = client.post_form(
        f"/alerts/new?{SEARCH}", {"email": "not-an-address", "frequency": "daily"}
    )
    assert response.status_code == 200
    page = text(response)
    assert field_error(page, "email") and 'value="not-an-address"' in page
    assert count(db, SavedSearch) == 0 and count(db, OutboxMessage) == 0
    response = client.post_form(
        f"/alerts/new?{SEARCH}", {"email": "a@example.org", "frequency": "hourly"}
    )
    assert response.status_code == 200 and count(db, SavedSearch) == 0


def test_the_digest_lists_new_matching_live_jobs_once_with_unsubscribe_headers(
    db, client, runner, mailbox, agency, make_job
):
    link = save_alert(client, mailbox, "reader@example.org", SEARCH)
    confirm(client, link)
    alert = alert_of("reader@example.org")
    make_due(alert.id)
    job = make_job(
        agency=agency,
        title="Outreach Worker",
        description="Street outreach in Nanaimo.",
        employment_type="part_time",
        hours_per_week=24,
        pay_min_cents=2650,
        pay_max_cents=2900,
    )
    make_job(  # does not match
        agency=agency,
        title="Cook",
        description="Kitchen work.",
        occupation_id=occupation_id(db, "63200"),
    )
    closed = make_job(agency=agency, title="Outreach Lead", description="Outreach.")
    # closed in the database; the index has not caught up (a worker pass away)
    _db.session.execute(update(Job).where(Job.id == closed.id).values(status="closed"))
    _db.session.commit()

    output = run_alerts(runner)
    assert "1 alerts run, 1 digests queued with 1 jobs" in output
    digests = _digests(mailbox, "reader@example.org")
    assert len(digests) == 1
    message = digests[0]
    assert message["Subject"].startswith("1 new job: ")
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (plain, html):
        assert "Outreach Worker" in part and "Harbour Family Services" in part
        assert "$26.50–$29 an hour" in part or "$26.50–$29 an hour" in part.replace("&ndash;", "–")
        assert "Part-time, 24 hours a week" in part
        assert f"/jobs/{job.id}" in part
        assert "Outreach Lead" not in part and "Cook" not in part
    assert re.search(r"Apply by \w+ \d+, \d{4}", plain)
    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/alerts/unsubscribe/[\w.-]+>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/alerts/manage/" in plain
    assert _db.session.scalar(select(func.count()).select_from(AlertDelivery)) == 1

    # the next run sends nothing again; a newer job comes in its own digest
    make_due(alert.id, confirmed_ago=timedelta(minutes=5))
    assert "0 digests queued" in run_alerts(runner)
    newer = make_job(agency=agency, title="Outreach Worker (nights)", description="Outreach.")
    make_due(alert.id, confirmed_ago=timedelta(minutes=5))
    run_alerts(runner)
    digests = _digests(mailbox, "reader@example.org")
    assert len(digests) == 2
    second = digests[1].get_body(("plain",)).get_content()
    assert f"/jobs/{newer.id}" in second and f"/jobs/{job.id}\n" not in second
    assert alert_of("reader@example.org").jobs_sent == 2


def test_the_first_run_sends_only_jobs_newer_than_the_confirmation(
    db, client, runner, mailbox, agency, make_job
):
    old = make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    link = save_alert(client, mailbox, "new@example.org", SEARCH)
    confirm(client, link)
    alert = alert_of("new@example.org")
    # the old job was published an hour before the confirmation
    _db.session.execute(
        update(SavedSearch).where(SavedSearch.id == alert.id).values(confirmed_at=utcnow())
    )
    make_due(alert.id, confirmed_ago=timedelta(seconds=0))
    published_ago(old.id, timedelta(hours=1))
    assert "0 digests queued" in run_alerts(runner)
    assert _digests(mailbox, "new@example.org") == []


def test_more_than_twenty_jobs_show_twenty_and_link_to_the_rest(
    db, client, runner, mailbox, agency, make_job
):
    link = save_alert(client, mailbox, "many@example.org", SEARCH)
    confirm(client, link)
    make_due(alert_of("many@example.org").id)
    for n in range(23):
        make_job(agency=agency, title=f"Outreach Worker {n}", description="Outreach.")
    run_alerts(runner)
    (digest,) = _digests(mailbox, "many@example.org")
    plain = digest.get_body(("plain",)).get_content()
    assert digest["Subject"].startswith("23 new jobs: ")
    assert plain.count("/jobs/") == 20
    assert "And 3 more: http://localhost/jobs?q=outreach" in plain


def test_one_click_unsubscribe_works_without_a_session_and_only_for_its_alert(
    db, app, client, runner, mailbox, agency, make_job
):
    for address in ("one@example.org", "two@example.org"):
        confirm(client, save_alert(client, mailbox, address, SEARCH))
        make_due(alert_of(address).id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    run_alerts(runner)
    (digest,) = _digests(mailbox, "one@example.org")
    url = digest["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    token = path.rsplit("/", 1)[1]

    mail_client = app.test_client()  # no cookies, no CSRF token: a mail client
    assert (
        mail_client.post(tampered(path), data={"List-Unsubscribe": "One-Click"}).status_code == 404
    )
    assert count(db, SavedSearch) == 2
    response = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in text(response)
    assert alert_of("one@example.org") is None
    assert alert_of("two@example.org") is not None
    again = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 404
    # a token signed for another purpose (the manage link) does not unsubscribe
    other = alert_of("two@example.org")
    from portal.alerts import tokens

    with app.test_request_context():
        manage_token = tokens.make(other, "manage")
    assert mail_client.post(f"/alerts/unsubscribe/{manage_token}").status_code == 404
    assert alert_of("two@example.org") is not None
    assert token != manage_token


def test_paused_deleted_and_unconfirmed_alerts_send_nothing(
    db, client, runner, mailbox, agency, make_job
):
    confirm(client, save_alert(client, mailbox, "paused@example.org", SEARCH))
    save_alert(client, mailbox, "waiting@example.org", SEARCH)
    paused = alert_of("paused@example.org")
    make_due(paused.id)
    _db.session.execute(
        update(SavedSearch).where(SavedSearch.id == paused.id).values(paused_reason="seeker")
    )
    _db.session.commit()
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    assert "0 alerts run" in run_alerts(runner)
    assert _digests(mailbox, "paused@example.org") == []
    assert _digests(mailbox, "waiting@example.org") == []


def test_unconfirmed_alerts_are_deleted_after_seven_days(db, client, mailbox):
    from portal.alerts import tasks

    save_alert(client, mailbox, "late@example.org", SEARCH)
    save_alert(client, mailbox, "fresh@example.org", SEARCH)
    _db.session.execute(
        update(SavedSearch)
        .where(SavedSearch.email == "late@example.org")
        .values(created_at=utcnow() - timedelta(days=7, minutes=1))
    )
    _db.session.commit()
    assert tasks.prune_unconfirmed() == "1 unconfirmed alert(s) deleted"
    assert alert_of("late@example.org") is None and alert_of("fresh@example.org") is not None


def test_a_bounced_address_gets_no_more_alerts(db, client, runner, mailbox, agency, make_job):
    confirm(client, save_alert(client, mailbox, "gone@example.org", SEARCH))
    make_due(alert_of("gone@example.org").id)
    result = runner.invoke(args=["alerts", "bounce", "Gone@Example.org"])
    assert (
        result.exit_code == 0
        and "gone@example.org: no more alerts (1 alert(s) stopped)" in result.output
    )
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    assert "1 skipped" in run_alerts(runner)
    assert _digests(mailbox, "gone@example.org") == []
    refused = client.post_form(
        f"/alerts/new?{SEARCH}", {"email": "gone@example.org", "frequency": "daily"}
    )
    assert refused.status_code == 200 and "have bounced" in text(refused)
    assert count(db, MailBounce) == 1


def test_three_failed_sends_pause_the_alert_and_the_seeker_is_told_at_sign_in(
    db, app, client, runner, mailbox, agency, make_job, make_user, login
):
    seeker = make_user(email="fails@example.org")
    login(client, seeker)
    response = client.post_form(f"/alerts/new?{SEARCH}", {"frequency": "daily"})
    assert response.status_code == 303
    confirm(client, mailbox.last_link("fails@example.org", "/alerts/confirm/"))
    alert = alert_of("fails@example.org")
    assert alert.user_id == seeker.id
    make_due(alert.id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    run_alerts(runner)
    from portal import mail

    app.config.update(MAIL_PORT=1)  # nothing listens: every attempt fails
    for _ in range(3):
        mail.send_pending()
    alert = alert_of("fails@example.org")
    assert alert.failures == 3 and alert.paused_reason == "failures"
    client.post_form("/logout")
    page = text(client.get(login(client, seeker).location))
    assert "We paused 1 of your job alerts" in page
    alerts_page = text(client.get("/alerts"))
    assert "failed three times in a row" in alerts_page


@pytest.mark.parametrize("crash_at", ["queue", "record"])
def test_a_crash_between_queueing_and_marking_loses_nothing_and_sends_once(
    db, app, client, runner, mailbox, agency, make_job, monkeypatch, crash_at
):
    confirm(client, save_alert(client, mailbox, "crash@example.org", SEARCH))
    alert_id = alert_of("crash@example.org").id
    make_due(alert_id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")

    original = alert_runner._queue_digest if crash_at == "queue" else _db.session.execute

    def crash(*args, **kwargs):
        if crash_at == "queue":
            original(*args, **kwargs)  # queued, then the process dies
            raise SystemExit("killed")
        if (
            args
            and getattr(args[0], "table", None) is not None
            and args[0].table.name == "alert_sent"
        ):
            raise SystemExit("killed")
        return original(*args, **kwargs)

    target = (alert_runner, "_queue_digest") if crash_at == "queue" else (_db.session, "execute")
    monkeypatch.setattr(*target, crash)
    with pytest.raises(SystemExit):
        alert_runner.run(10)
    monkeypatch.undo()
    _db.session.rollback()
    assert count(db, OutboxMessage, OutboxMessage.alert_id == alert_id) == 0
    assert count(db, AlertDelivery) == 0
    # claimed by the dead run: nobody takes it until the claim times out
    assert "0 alerts run" in run_alerts(runner)
    _db.session.execute(
        update(SavedSearch).values(claimed_at=utcnow() - alert_runner.CLAIM_TIMEOUT - timedelta(1))
    )
    _db.session.commit()
    assert "1 digests queued" in run_alerts(runner)
    assert len(_digests(mailbox, "crash@example.org")) == 1


def test_two_runs_at_once_send_each_digest_once(db, app, client, mailbox, agency, make_job):
    addresses = [f"both{n}@example.org" for n in range(6)]
    for address in addresses:
        confirm(client, save_alert(client, mailbox, address, SEARCH))
        make_due(alert_of(address).id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    barrier = threading.Barrier(2)
    summaries, errors = [], []

    def work():
        try:
            with app.app_context():
                barrier.wait()
                summaries.append(alert_runner.run(100))
                _db.session.remove()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(s.digests for s in summaries) == len(addresses)
    for address in addresses:
        assert len(_digests(mailbox, address)) == 1


def test_alerts_with_the_same_search_share_one_query_and_keep_their_own_window(
    db, client, runner, mailbox, agency, make_job
):
    older = make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    newer = make_job(agency=agency, title="Outreach Lead", description="Outreach.")
    published_ago(older.id, timedelta(hours=2))
    # the later window is due first: the one query must still reach back to the earlier one
    for address, confirmed_ago in (("late@example.org", 1), ("early@example.org", 3)):
        confirm(client, save_alert(client, mailbox, address, SEARCH))
        make_due(alert_of(address).id, confirmed_ago=timedelta(hours=confirmed_ago))

    output = run_alerts(runner)
    assert "2 alerts run, 2 digests queued with 3 jobs" in output and "1 searches" in output
    sent = {
        address: set(
            _db.session.scalars(
                select(AlertDelivery.job_id).where(AlertDelivery.alert_id == alert_of(address).id)
            )
        )
        for address in ("early@example.org", "late@example.org")
    }
    assert sent == {"early@example.org": {older.id, newer.id}, "late@example.org": {newer.id}}


def test_the_worker_runs_due_alerts_and_sends_the_digest_in_the_same_round(
    db, client, runner, mailbox, agency, make_job
):
    confirm(client, save_alert(client, mailbox, "worker@example.org", SEARCH, "instant"))
    make_due(alert_of("worker@example.org").id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "alerts: 1 alerts run, 1 digests queued with 1 jobs" in result.output
    assert len(_digests(mailbox, "worker@example.org")) == 1


@pytest.mark.parametrize("command", [["alerts", "run"], ["portal", "worker", "--once"]])
def test_digest_links_use_the_sites_public_address_outside_requests(
    db, app, client, runner, mailbox, agency, make_job, command
):
    confirm(client, save_alert(client, mailbox, "public@example.org", SEARCH))
    make_due(alert_of("public@example.org").id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    # as in production: no SERVER_NAME, links are built from BASE_URL
    app.config.update(SERVER_NAME=None, BASE_URL="https://jobs.example.org")
    result = runner.invoke(args=command)
    assert result.exit_code == 0 and "1 digests queued" in result.output, result.output
    message = _digests(mailbox, "public@example.org")[-1]
    assert message["List-Unsubscribe"].startswith("<https://jobs.example.org/alerts/unsubscribe/")
    plain = message.get_body(("plain",)).get_content()
    assert "https://jobs.example.org/jobs/" in plain
    assert "https://jobs.example.org/alerts/manage/" in plain


def test_a_digest_queued_before_an_unsubscribe_or_a_bounce_is_not_sent(
    db, app, client, runner, mailbox, agency, make_job
):
    for address in ("gone@example.org", "bounced@example.org", "kept@example.org"):
        confirm(client, save_alert(client, mailbox, address, SEARCH))
        make_due(alert_of(address).id)
    make_job(agency=agency, title="Outreach Worker", description="Outreach.")
    run_alerts(runner)  # three digests queued, none sent yet
    queued = {m.recipient: m for m in _db.session.scalars(select(OutboxMessage))}
    url = queued["gone@example.org"].headers["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    unsubscribed = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert unsubscribed.status_code == 200
    assert runner.invoke(args=["alerts", "bounce", "bounced@example.org"]).exit_code == 0

    mailbox.deliver()
    assert _digests(mailbox, "kept@example.org")
    assert not _digests(mailbox, "gone@example.org")
    assert not _digests(mailbox, "bounced@example.org")
    _db.session.expire_all()
    withdrawn = {
        m.recipient: m.last_error
        for m in _db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    }
    assert withdrawn == {
        "gone@example.org": "withdrawn: the alert was deleted (unsubscribed) before it was sent",
        "bounced@example.org": "withdrawn: the address bounced before it was sent",
    }
