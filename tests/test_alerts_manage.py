"""Job alerts, managed: a seeker's alerts page (pause, resume, how often, delete), an
alert's page from its email's link, the "jobs that match my profile" alert, the plain
words, the caps on confirmation emails, the admin's bounced addresses and hostile links."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db as _db
from portal.models import (
    AlertDelivery,
    JobShare,
    MailBounce,
    MatchDismissal,
    MatchScore,
    OutboxMessage,
    Region,
    SavedSearch,
)
from portal.models.types import utcnow
from tests.support import count, text
from tests.support.alerts import (
    alert_of,
    confirm,
    make_due,
    run_alerts,
    save_alert,
    tampered,
)
from tests.support.reference import code_id, occupation_id


@pytest.fixture
def seeker(make_user):
    return make_user(role="seeker", email="sasha@example.org", name="Sasha Seeker")


def _save_signed_in(client, mailbox, query: str, frequency: str = "daily") -> SavedSearch:
    response = client.post_form(f"/alerts/new?{query}", {"frequency": frequency})
    assert response.status_code == 303 and response.location.endswith("/alerts?saved=1")
    alert = _db.session.scalars(select(SavedSearch).order_by(SavedSearch.id.desc())).first()
    confirm(client, mailbox.last_link("sasha@example.org", "/alerts/confirm/"))
    _db.session.refresh(alert)
    return alert


def test_the_plain_words_name_occupation_region_type_and_pay(db, client):
    ece = occupation_id(db, "42202")
    region = code_id(db, Region, "vancouver-island-coast")
    page = text(client.get(f"/alerts/new?occupation={ece}&region={region}&type=part_time&pay=25"))
    assert (
        "Early childhood educators and assistants jobs in Vancouver Island/Coast, "
        "part-time, $25/h or more" in page
    )
    assert "All jobs" in text(client.get("/alerts/new"))
    page = text(client.get("/alerts/new?q=youth+worker&hours=30-plus&pooled=1"))
    assert "“youth worker” — all jobs, 30+ h a week, pooled positions only" in page


def test_a_seeker_pauses_resumes_changes_and_deletes_an_alert_on_the_alerts_page(
    db, client, login, seeker, mailbox, make_agency, make_job
):
    login(client, seeker)
    alert = _save_signed_in(client, mailbox, "q=outreach&type=part_time")
    assert alert.user_id == seeker.id and alert.confirmed_at is not None
    html = client.get("/alerts").get_data(as_text=True)
    assert 'href="/jobs?q=outreach&amp;type=part_time"' in html  # the alert's own search
    page = text(client.get("/alerts"))
    assert "“outreach” — all jobs, part-time" in page
    assert "0 jobs sent so far" in page and ">On<" in page

    assert client.post_form(f"/alerts/{alert.id}/pause").status_code == 303
    assert alert_of("sasha@example.org").paused_reason == "seeker"
    assert ">Paused<" in text(client.get("/alerts"))
    make_job(agency=make_agency(), title="Outreach Worker", employment_type="part_time")
    make_due(alert.id)
    assert "0 alerts run" in run_alerts(client.application.test_cli_runner())

    assert client.post_form(f"/alerts/{alert.id}/resume").status_code == 303
    assert alert_of("sasha@example.org").paused_reason is None

    response = client.post_form(f"/alerts/{alert.id}/frequency", {"frequency": "weekly"})
    assert response.status_code == 303
    changed = alert_of("sasha@example.org")
    assert changed.frequency == "weekly"
    assert changed.next_run_at - utcnow() > timedelta(days=6)
    client.post_form(f"/alerts/{alert.id}/frequency", {"frequency": "hourly"})
    assert alert_of("sasha@example.org").frequency == "weekly"  # not a choice: unchanged

    assert client.post_form(f"/alerts/{alert.id}/delete").status_code == 303
    assert count(db, SavedSearch) == 0
    assert "You have no alerts yet" in text(client.get("/alerts"))


def test_another_seekers_alert_cannot_be_touched(db, client, login, seeker, make_user, mailbox):
    login(client, seeker)
    alert = _save_signed_in(client, mailbox, "q=outreach")
    other = make_user(role="seeker")
    intruder = client.application.test_client()
    login(intruder, other)
    for action in ("pause", "delete"):
        assert intruder.post_form(f"/alerts/{alert.id}/{action}").status_code == 404
    response = intruder.post_form(f"/alerts/{alert.id}/frequency", {"frequency": "weekly"})
    assert response.status_code == 404
    assert "outreach" not in text(intruder.get("/alerts"))
    kept = alert_of("sasha@example.org")
    assert kept.paused_reason is None and kept.frequency == "daily"


def test_the_same_search_saved_twice_is_one_alert(db, client, login, seeker, mailbox):
    login(client, seeker)
    _save_signed_in(client, mailbox, "q=outreach")
    response = client.post_form("/alerts/new?q=outreach&page=2", {"frequency": "weekly"})
    assert response.status_code == 200
    assert "You already have this alert" in text(response)
    assert count(db, SavedSearch) == 1


def test_the_alert_page_from_the_email_works_without_signing_in(
    db, client, mailbox, make_agency, make_job
):
    link = save_alert(client, mailbox, "guest@example.org", "q=outreach")
    page = text(confirm(client, link))
    manage = mailbox.last_link("guest@example.org", "/alerts/confirm/")  # the confirm mail
    assert manage and "/alerts/manage/" in page
    path = "/alerts/manage/" + page.split("/alerts/manage/", 1)[1].split('"', 1)[0]
    stranger = client.application.test_client()  # no session: the link is the key
    page = text(stranger.get(path))
    assert "“outreach” — all jobs" in page and "guest@example.org" in page

    assert stranger.post_form(path, {"frequency": "instant"}).status_code == 303
    assert alert_of("guest@example.org").frequency == "instant"
    assert stranger.post_form(path, {"action": "pause"}).status_code == 303
    assert alert_of("guest@example.org").paused_reason == "seeker"
    assert stranger.post_form(path, {"action": "resume"}).status_code == 303
    assert alert_of("guest@example.org").paused_reason is None
    # a link with one character changed, or of another kind, is dead
    assert stranger.get(tampered(path)).status_code == 404
    assert stranger.get(path.replace("/manage/", "/unsubscribe/")).status_code == 404


def test_a_matches_alert_sends_new_jobs_with_enough_stars_only(
    db, client, login, seeker, mailbox, make_agency, make_job
):
    from portal.seekers.services import get_or_create_profile

    profile_id = get_or_create_profile(seeker).id
    _db.session.commit()
    login(client, seeker)
    assert "Email me jobs that match my profile" in text(client.get("/alerts"))
    response = client.post_form("/alerts/matches", {"min_stars": "4", "frequency": "daily"})
    assert response.status_code == 303
    confirm(client, mailbox.last_link("sasha@example.org", "/alerts/confirm/"))
    alert = alert_of("sasha@example.org")
    assert alert.kind == "matches" and alert.min_stars == 4
    assert "Jobs that match my profile, 4 stars or more" in text(client.get("/alerts"))
    make_due(alert.id)

    agency = make_agency(name="Coastal Care")
    great, poor, dismissed = (
        make_job(agency=agency, title=title)
        for title in ("Great Match", "Poor Match", "Dismissed Match")
    )
    _db.session.execute(update(MatchScore).values(stars=1))  # whatever was computed
    _db.session.flush()
    for job, stars in ((great, 5), (poor, 2), (dismissed, 5)):
        share = _db.session.scalar(select(JobShare.id).where(JobShare.job_id == job.id))
        existing = _db.session.get(MatchScore, (profile_id, share))
        if existing is None:
            _db.session.add(
                MatchScore(
                    profile_id=profile_id, share_id=share, job_id=job.id, score=stars, stars=stars
                )
            )
        else:
            existing.stars, existing.score = stars, stars
    _db.session.add(MatchDismissal(user_id=seeker.id, job_id=dismissed.id))
    _db.session.commit()

    run_alerts(client.application.test_cli_runner())
    sent = _db.session.scalars(select(AlertDelivery.job_id)).all()
    assert sent == [great.id]
    digest = mailbox.to("sasha@example.org")[-1].get_body(("plain",)).get_content()
    assert "Great Match" in digest and "Poor Match" not in digest and "Dismissed" not in digest


def test_confirmation_emails_to_one_address_are_capped_per_day(db, client, mailbox):
    for n in range(7):
        client.post_form(f"/alerts/new?q=word{n}", {"email": "target@example.org"})
    assert count(db, SavedSearch, SavedSearch.email == "target@example.org") == 7
    sent = count(db, OutboxMessage, OutboxMessage.recipient == "target@example.org")
    assert sent == 5


def test_unconfirmed_alerts_per_address_are_capped(db, client, mailbox):
    for n in range(31):
        client.post_form(f"/alerts/new?q=term{n}", {"email": "many@example.org"})
    assert count(db, SavedSearch, SavedSearch.email == "many@example.org") == 30
    response = client.post_form("/alerts/new?q=one-more", {"email": "many@example.org"})
    assert response.status_code == 200 and "30" in text(response)


def test_the_admin_stops_and_clears_a_bounced_address(
    db, client, runner, login, make_user, mailbox, make_agency, make_job
):
    link = save_alert(client, mailbox, "gone@example.org", "q=outreach")
    confirm(client, link)
    admin = make_user(role="admin", two_step=True)
    staff = client.application.test_client()
    login(staff, admin)
    page = text(staff.get("/admin/bounces"))
    assert "Stop alerts to this address" in page
    response = staff.post_form("/admin/bounces", {"email": "not an address"})
    assert response.status_code == 200 and count(db, MailBounce) == 0
    assert 'value="not an address"' in text(response)
    response = staff.post_form(
        "/admin/bounces", {"email": "Gone@Example.org", "reason": "550 no such user"}
    )
    assert response.status_code == 303
    page = text(staff.get("/admin/bounces"))
    assert "gone@example.org" in page and "550 no such user" in page

    make_job(agency=make_agency(), title="Outreach Worker")
    make_due(alert_of("gone@example.org").id)
    run_alerts(runner)
    assert count(db, AlertDelivery) == 0
    assert [m for m in mailbox.to("gone@example.org") if "for your alert" in str(m)] == []
    # the same address cannot save a new alert while it bounces
    response = client.post_form("/alerts/new?q=care", {"email": "gone@example.org"})
    assert "bounced" in text(response)

    bounce = _db.session.scalar(select(MailBounce))
    assert staff.post_form(f"/admin/bounces/{bounce.id}/clear").status_code == 303
    assert count(db, MailBounce) == 0
    make_due(alert_of("gone@example.org").id, confirmed_ago=timedelta(minutes=1))
    run_alerts(runner)
    assert count(db, AlertDelivery) == 1


HOSTILE_TOKENS = [
    "x",
    "WzEsImFiYyJd",  # [1, "abc"] unsigned
    "WzEsImFiYyJd.AAAA",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "a" * 400,
    "W1tdLCJ4Il0.abc",  # [[], "x"]
    "﷽",
]


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
def test_made_up_links_are_404_never_500(db, client, kind, token):
    for method in ("get", "post_form"):
        response = getattr(client, method)(f"/alerts/{kind}/{token}")
        if token == "%00":  # NUL in a URL is refused before any view (portal.inputs)
            assert response.status_code == 400
        else:
            assert response.status_code == 404
            if "%2F" not in token:  # with a slash it is no alert link at all
                assert "This link does not work" in text(response)


def test_a_deleted_alerts_links_die_with_it(db, client, mailbox, runner, make_agency, make_job):
    link = save_alert(client, mailbox, "leaver@example.org", "q=outreach")
    confirm(client, link)
    alert = alert_of("leaver@example.org")
    make_due(alert.id)
    make_job(agency=make_agency(), title="Outreach Worker")
    run_alerts(runner)
    message = mailbox.to("leaver@example.org")[-1]
    unsubscribe = message["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]
    assert client.post(f"/{unsubscribe}").status_code == 200
    assert count(db, SavedSearch) == 0
    assert client.post(f"/{unsubscribe}").status_code == 404
    assert client.get("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 404


def test_the_bounce_list_counts_the_alerts_each_address_stops(
    db, client, login, make_user, seeker, mailbox
):
    from portal.alerts import services

    confirm(client, save_alert(client, mailbox, "sasha@example.org", "q=care"))  # by address
    login(client, seeker)
    _save_signed_in(client, mailbox, "q=outreach")  # the account's alert
    services.bounce("Sasha@Example.org")
    services.bounce("nobody@example.org")
    _db.session.commit()
    counts = {b.email: n for b, n in services.bounces()}
    assert counts == {"sasha@example.org": 2, "nobody@example.org": 0}
    assert counts["sasha@example.org"] == len(services.alerts_to("sasha@example.org"))
