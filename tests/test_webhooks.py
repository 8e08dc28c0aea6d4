"""Webhooks: endpoints added by an agency's owner, deliveries queued with the change that
causes them (jobs published, closed, filled, expired; applications made and moved) for the
agencies concerned only, sent by the worker — never in the request — signed so that the
README's snippet verifies them, retried with back-off for 24 hours, claimed so that two
workers send each once; URLs checked (https, private addresses, hostile input)."""

import io
import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from portal.jobs import tasks as job_tasks
from portal.models import Application, Job
from portal.models.integrations import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal.models.types import utcnow
from portal.webhooks import services, tasks
from portal.webhooks.tasks import send_due
from portal.worker import TASKS
from tests.support import count, field_error, fresh, text
from tests.support.pooled import published_pool
from tests.support.webhooks import (
    Receiver,
    add_endpoint,
    deliveries,
    endpoint_of,
    readme_verify,
)

SECRET_RE = re.compile(r'<code class="text-break" id="webhook-secret">([^<]+)</code>')


# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def agency(make_agency, make_user):
    return make_agency(
        owner=make_user(role="agency", name="Olive Owner"), name="Harbour Community Living"
    )


@pytest.fixture
def owner(signed_in, agency):
    return signed_in(agency.owner)


@pytest.fixture
def seeker(db, make_user):
    from portal.seekers.services import attach_resume

    user = make_user(role="seeker", name="Sam Seeker")
    pdf = FileStorage(
        stream=io.BytesIO(b"%PDF-1.4\n% a resume\n"),
        filename="sam-resume.pdf",
        content_type="application/pdf",
    )
    attach_resume(user, pdf)
    db.session.commit()
    return user


def endpoint(client, url: str, *events: str) -> WebhookEndpoint:
    """Add an endpoint through the form; it must be saved."""
    response = add_endpoint(client, url, list(events))
    assert response.status_code == 302, text(response)[:2000]
    added = endpoint_of(url)
    assert response.location == f"/agency/webhooks/{added.id}"
    return added


def secret_shown(client, endpoint_id: int) -> str | None:
    found = SECRET_RE.search(text(client.get(f"/agency/webhooks/{endpoint_id}")))
    return found.group(1) if found else None


def apply(client, job) -> Application:
    response = client.post_form(f"/jobs/{job.id}/apply", {"cover_note": "I would like this job."})
    assert response.status_code == 302, text(response)[:2000]
    return int(re.search(r"/applications/(\d+)", response.location).group(1))


def payloads(found) -> list[dict]:
    return [json.loads(d.body) for d in found]


# --- queued in the request, sent by the worker, signed ---------------------------------


def test_publishing_queues_a_delivery_that_the_worker_sends_signed(
    app, db, owner, agency, make_job, receiver
):
    added = endpoint(owner, receiver.url, "job.published")
    assert added.agency_id == agency.id and added.event_list == ["job.published"]
    secret = secret_shown(owner, added.id)
    assert secret == added.secret and secret.startswith("whsec_") and len(secret) > 40
    draft = make_job(agency=agency, status="draft", title="Youth Outreach Worker")

    response = owner.post_form(f"/agency/jobs/{draft.id}/publish")
    assert response.status_code == 302
    assert receiver.received == []  # nothing is sent during the request
    (queued,) = deliveries(added.id)
    assert queued.event == "job.published" and queued.delivered_at is None

    assert send_due() == 1
    (request,) = receiver.received
    assert request.path == "/hooks"
    assert readme_verify()(secret, request.headers, request.body)
    assert not readme_verify()("whsec_not-the-secret", request.headers, request.body)
    tampered = request.body.replace(b"Youth", b"Adult")
    assert not readme_verify()(secret, request.headers, tampered)
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "SectorJobsPortal-Webhooks/1"
    assert headers["Portal-Webhook-Event"] == "job.published"
    payload = request.payload
    assert headers["Portal-Webhook-Id"] == payload["id"]
    assert request.body == queued.body.encode()  # compact, sorted keys: as stored
    assert request.body == json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    assert payload["event"] == "job.published"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payload["created_at"])
    job = db.session.get(Job, draft.id)
    assert payload["data"] == {
        "id": job.id,
        "reference": None,
        "title": "Youth Outreach Worker",
        "status": "published",
        "url": f"http://localhost/jobs/{job.id}",
        "agency_id": agency.id,
        "published_at": job.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closes_on": job.closes_on.isoformat(),
    }

    (sent,) = deliveries(added.id)
    assert sent.delivered_at is not None and sent.attempts == 1 and sent.claimed_until is None
    (attempt,) = sent.attempts_made
    assert attempt.status_code == 200 and attempt.response_excerpt == "answer 200"
    assert attempt.error is None and attempt.duration_ms >= 0
    assert send_due() == 0  # delivered: never sent again
    page = text(owner.get(f"/agency/webhooks/{added.id}"))
    assert "Delivered" in page and "status <strong>200</strong>" in page
    assert ">answer 200</pre>" in page
    listing = text(owner.get("/agency/webhooks"))
    assert receiver.url in listing and "Delivered" in listing


def test_a_job_closed_filled_or_expired_sends_job_closed(
    app, db, owner, agency, make_job, receiver
):
    added = endpoint(owner, receiver.url, "job.closed")
    closed, filled, expiring = (make_job(agency=agency, title=t) for t in ("A", "B", "C"))
    assert deliveries(added.id) == []  # published: not asked for

    assert owner.post_form(f"/agency/jobs/{closed.id}/close").status_code == 302
    assert owner.post_form(f"/agency/jobs/{filled.id}/fill").status_code == 302
    db.session.execute(
        update(Job).where(Job.id == expiring.id).values(closes_on=datetime(2020, 1, 1).date())
    )
    db.session.commit()
    assert job_tasks.expire_jobs() == "expired 1"  # the worker's task: outside any request

    sent = payloads(deliveries(added.id))
    assert [(p["event"], p["data"]["id"], p["data"]["status"]) for p in sent] == [
        ("job.closed", closed.id, "closed"),
        ("job.closed", filled.id, "filled"),
        ("job.closed", expiring.id, "expired"),
    ]
    assert sent[2]["data"]["url"] == f"http://localhost/jobs/{expiring.id}"  # BASE_URL
    assert send_due() == 3 and len(receiver.received) == 3


def test_only_endpoints_of_the_agency_that_asked_for_the_event_get_it(
    app, db, signed_in, owner, agency, make_agency, make_job, receiver
):
    mine = endpoint(owner, receiver.url + "/mine", "job.published", "job.closed")
    not_asked = endpoint(owner, receiver.url + "/applications", "application.created")
    off = endpoint(owner, receiver.url + "/off", "job.published")
    assert owner.post_form(f"/agency/webhooks/{off.id}/disable").status_code == 302
    other = make_agency(name="Other Agency")
    theirs = endpoint(signed_in(other.owner), receiver.url + "/theirs", "job.published")

    make_job(agency=agency)
    assert [d.endpoint_id for d in deliveries()] == [mine.id]
    make_job(agency=other)
    assert [d.endpoint_id for d in deliveries()] == [mine.id, theirs.id]
    assert deliveries(not_asked.id) == [] and deliveries(off.id) == []
    send_due()
    assert sorted(r.path for r in receiver.received) == ["/hooks/mine", "/hooks/theirs"]


def test_applying_to_a_pooled_job_tells_each_of_its_agencies(
    app, db, signed_in, agency, make_agency, seeker, receiver
):
    partner = make_agency(name="Partner Services")
    stranger = make_agency(name="Stranger Society")
    urls = {
        a.id: endpoint(
            signed_in(a.owner),
            f"{receiver.url}/{a.id}",
            "application.created",
            "application.status_changed",
            "job.published",
        )
        for a in (agency, partner, stranger)
    }
    job = published_pool(agency, [partner])
    published = deliveries(event="job.published")
    assert sorted(d.endpoint_id for d in published) == sorted(
        [urls[agency.id].id, urls[partner.id].id]
    )

    application_id = apply(signed_in(seeker), job)
    created = deliveries(event="application.created")
    assert sorted(d.endpoint_id for d in created) == sorted(
        [urls[agency.id].id, urls[partner.id].id]
    )
    for delivery in created:
        data = json.loads(delivery.body)["data"]
        agency_id = db.session.get(WebhookEndpoint, delivery.endpoint_id).agency_id
        assert data == {
            "id": application_id,
            "job_id": job.id,
            "job_title": "Pooled Support Worker",
            "status": "new",
            "agency_id": agency_id,
            "submitted_at": data["submitted_at"],
            "url": f"http://localhost/agency/applications/{application_id}",
        }
        assert seeker.email not in delivery.body and "Sam" not in delivery.body
    assert deliveries(urls[stranger.id].id) == []
    assert receiver.received == []
    assert send_due() == 4
    assert sorted(
        r.path for r in receiver.received if r.payload["event"] == "application.created"
    ) == sorted([f"/hooks/{agency.id}", f"/hooks/{partner.id}"])


def test_a_status_change_tells_the_agency_whose_decision_changed(
    app, db, signed_in, owner, agency, make_job, seeker, receiver
):
    added = endpoint(owner, receiver.url, "application.status_changed", "job.closed")
    job = make_job(agency=agency)
    applicant = signed_in(seeker)
    application_id = apply(applicant, job)
    assert deliveries(added.id) == []  # application.created: not asked for

    moved = owner.post_form(
        f"/agency/applications/{application_id}/status", {"status": "screening", "message": ""}
    )
    assert moved.status_code == 302
    (changed,) = payloads(deliveries(added.id))
    assert changed["event"] == "application.status_changed"
    assert changed["data"]["status"] == "screening" and changed["data"]["id"] == application_id

    assert applicant.post_form(f"/applications/{application_id}/withdraw").status_code == 302
    assert [p["data"]["status"] for p in payloads(deliveries(added.id))] == [
        "screening",
        "withdrawn",
    ]
    assert receiver.received == []
    assert send_due() == 2
    assert [r.payload["data"]["status"] for r in receiver.received] == ["screening", "withdrawn"]


def test_hiring_the_last_share_sends_the_status_and_the_job_filled(
    app, db, signed_in, owner, agency, make_job, seeker, receiver
):
    added = endpoint(owner, receiver.url, "application.status_changed", "job.closed")
    job = make_job(agency=agency)
    application_id = apply(signed_in(seeker), job)
    for status in ("offer", "hired"):
        owner.post_form(
            f"/agency/applications/{application_id}/status", {"status": status, "message": ""}
        )
    events = [(p["event"], p["data"]["status"]) for p in payloads(deliveries(added.id))]
    assert events == [
        ("application.status_changed", "offer"),
        ("job.closed", "filled"),  # hiring into the only share fills the job
        ("application.status_changed", "hired"),
    ]


# --- retries, giving up, claims -----------------------------------------------------------


def test_a_failed_delivery_is_retried_with_back_off_and_delivered(
    app, db, owner, agency, make_job, receiver
):
    added = endpoint(owner, receiver.url, "job.published")
    secret = added.secret
    receiver.answer(500, 503)
    with freeze_time(utcnow().replace(microsecond=0)) as frozen:  # the session stays fresh
        make_job(agency=agency)
        start = utcnow()
        assert send_due() == 1
        (delivery,) = deliveries(added.id)
        assert delivery.delivered_at is None and delivery.failed_at is None
        assert delivery.attempts == 1 and delivery.due_at == start + timedelta(minutes=1)
        (attempt,) = delivery.attempts_made
        assert attempt.status_code == 500 and attempt.response_excerpt == "answer 500"
        assert "Retrying" in text(owner.get(f"/agency/webhooks/{added.id}"))

        assert send_due() == 0  # not due yet
        frozen.tick(timedelta(minutes=1))
        assert send_due() == 1
        (delivery,) = deliveries(added.id)
        assert delivery.due_at == utcnow() + timedelta(minutes=5)
        frozen.tick(timedelta(minutes=5))
        assert send_due() == 1
        (delivery,) = deliveries(added.id)
        assert delivery.delivered_at == utcnow() and delivery.attempts == 3
        assert [a.status_code for a in delivery.attempts_made] == [500, 503, 200]
        # every try carries the same id and body, signed at its own time
        assert len({r.headers["Portal-Webhook-Id"] for r in receiver.received}) == 1
        assert len({r.headers["Portal-Webhook-Timestamp"] for r in receiver.received}) == 3
        verify = readme_verify()
        # the first try, 6 minutes ago, would now be refused as a replay; 5 minutes is fine
        assert [verify(secret, r.headers, r.body) for r in receiver.received] == [
            False,
            True,
            True,
        ]


def test_a_delivery_is_given_up_24_hours_after_the_event(
    app, db, signed_in, owner, agency, make_job, receiver
):
    added = endpoint(owner, receiver.url, "job.published")
    receiver.answer(*[500] * 20)
    with freeze_time(utcnow()) as frozen:
        make_job(agency=agency)
        created = utcnow()
        tries = []
        while True:
            assert send_due() == 1
            tries.append(utcnow() - created)
            (delivery,) = deliveries(added.id)
            if delivery.failed_at is not None:
                break
            frozen.move_to(delivery.due_at)
        minutes = [int(t.total_seconds() // 60) for t in tries]
        assert minutes == [0, 1, 6, 36, 156, 516, 876, 1236, 1440]  # 1, 5, 30 min, 2 h, 6 h...
        assert delivery.failed_at == created + timedelta(hours=24)
        assert delivery.attempts == 9 and len(receiver.received) == 9
        owner = signed_in(agency.owner)  # a day later: signed in again
        page = text(owner.get(f"/agency/webhooks/{added.id}"))
        assert "Gave up" in page and "Retry now" in page

        # "Retry now": one more try at the worker's next run
        response = owner.post_form(f"/agency/webhooks/{added.id}/deliveries/{delivery.id}/retry")
        assert response.status_code == 302
        assert "sent again at the worker's next run" in text(owner.get(response.location))
        receiver.script[:] = [200]
        assert send_due() == 1
        (delivery,) = deliveries(added.id)
        assert delivery.delivered_at is not None and delivery.attempts == 10


def test_two_senders_at_once_send_each_delivery_once(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")
    for n in range(6):
        make_job(agency=agency, title=f"Support Worker {n}")
    barrier = threading.Barrier(2)
    tried, errors = [], []

    def work():
        try:
            with app.app_context():
                barrier.wait()
                tried.append(send_due())
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(tried) == 6
    ids = [r.headers["Portal-Webhook-Id"] for r in receiver.received]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert all(d.attempts == 1 and d.delivered_at for d in deliveries(added.id))


def test_a_claim_is_taken_once_and_runs_out(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")
    make_job(agency=agency)
    (delivery,) = deliveries(added.id)
    assert tasks._claim(delivery.id) is True
    assert tasks._claim(delivery.id) is False
    assert send_due() == 0 and receiver.received == []  # claimed by a run that died
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id)
        .values(claimed_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert send_due() == 1 and len(receiver.received) == 1


def test_redirects_are_not_followed(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")
    receiver.answer(302)
    make_job(agency=agency)
    assert send_due() == 1
    assert [r.path for r in receiver.received] == ["/hooks"]  # not /elsewhere
    (delivery,) = deliveries(added.id)
    assert delivery.attempts_made[0].status_code == 302 and delivery.delivered_at is None


def test_an_unreachable_endpoint_is_a_failed_try_with_its_error(app, db, owner, agency, make_job):
    closed = Receiver()  # bound, never started, then closed: nobody listens on its port
    url = closed.url
    closed.server.server_close()
    added = endpoint(owner, url, "job.published")
    make_job(agency=agency)
    assert send_due() == 1
    (delivery,) = deliveries(added.id)
    (attempt,) = delivery.attempts_made
    assert attempt.status_code is None and "refused" in attempt.error.lower()
    assert delivery.due_at > utcnow() and delivery.failed_at is None


def test_an_endpoint_turned_off_is_not_sent_to(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")
    make_job(agency=agency)
    assert owner.post_form(f"/agency/webhooks/{added.id}/disable").status_code == 302
    assert send_due() == 1
    (delivery,) = deliveries(added.id)
    assert delivery.failed_at is not None and delivery.attempts == 0
    assert delivery.attempts_made[0].error == "Not sent: the endpoint is off."
    assert receiver.received == []
    make_job(agency=agency)
    assert len(deliveries(added.id)) == 1  # off: nothing new is queued
    page = text(owner.get(f"/agency/webhooks/{added.id}"))
    assert "Off" in page and "Turn on" in page
    response = owner.post_form(f"/agency/webhooks/{added.id}/test")
    assert "turn it on before sending a test delivery" in text(owner.get(response.location))
    assert owner.post_form(f"/agency/webhooks/{added.id}/enable").status_code == 302
    assert fresh(db, WebhookEndpoint, added.id).active


# --- the pages ---------------------------------------------------------------------------


def test_a_test_delivery_is_queued_and_sent_by_the_worker(app, db, owner, agency, receiver):
    added = endpoint(owner, receiver.url, "job.closed")
    response = owner.post_form(f"/agency/webhooks/{added.id}/test")
    page = text(owner.get(response.location))
    assert "A test delivery (event “ping”) is queued" in page and "worker" in page
    assert receiver.received == []
    assert "Queued" in page
    assert send_due() == 1
    (request,) = receiver.received
    assert request.headers["Portal-Webhook-Event"] == "ping"
    assert request.payload["data"]["endpoint_id"] == added.id
    assert readme_verify()(added.secret, request.headers, request.body)


def test_a_new_secret_signs_from_then_on(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")
    old = added.secret
    make_job(agency=agency)  # queued before the rotation, sent after it
    assert owner.post_form(f"/agency/webhooks/{added.id}/rotate-secret").status_code == 302
    new = secret_shown(owner, added.id)
    assert new != old and new.startswith("whsec_")
    send_due()
    (request,) = receiver.received
    assert readme_verify()(new, request.headers, request.body)
    assert not readme_verify()(old, request.headers, request.body)


def test_recruiters_see_the_endpoints_but_not_the_secret(
    app, db, signed_in, owner, agency, make_recruiter, receiver
):
    added = endpoint(owner, receiver.url, "job.published")
    recruiter = signed_in(make_recruiter(agency))
    listing = text(recruiter.get("/agency/webhooks"))
    assert receiver.url in listing and "Add an endpoint" not in listing
    page = text(recruiter.get(f"/agency/webhooks/{added.id}"))
    assert added.secret not in page and "Shown to the agency's owners only" in page
    assert "Send a test delivery" not in page
    assert recruiter.post_form(f"/agency/webhooks/{added.id}/rotate-secret").status_code == 403
    home = text(recruiter.get("/agency"))
    assert 'href="/agency/webhooks"' in home


def test_deleting_an_endpoint_deletes_its_log(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")
    make_job(agency=agency)
    send_due()
    response = owner.post_form(f"/agency/webhooks/{added.id}/delete")
    assert response.location == "/agency/webhooks"
    assert "Endpoint deleted" in text(owner.get(response.location))
    assert count(db, WebhookEndpoint) == 0
    assert count(db, WebhookDelivery) == 0 and count(db, WebhookAttempt) == 0


def test_another_agencys_endpoint_and_deliveries_are_not_found(
    app, db, signed_in, owner, agency, make_agency, make_job, receiver
):
    added = endpoint(owner, receiver.url, "job.published")
    secret = added.secret
    make_job(agency=agency)
    (delivery,) = deliveries(added.id)
    other = signed_in(make_agency(name="Other Agency").owner)
    assert other.get(f"/agency/webhooks/{added.id}").status_code == 404
    for action in ("rotate-secret", "disable", "test", "delete"):
        assert other.post_form(f"/agency/webhooks/{added.id}/{action}").status_code == 404
    retry = f"/agency/webhooks/{added.id}/deliveries/{delivery.id}/retry"
    assert other.post_form(retry).status_code == 404
    theirs = endpoint(other, receiver.url + "/other", "job.closed")
    wrong = f"/agency/webhooks/{theirs.id}/deliveries/{delivery.id}/retry"
    assert other.post_form(wrong).status_code == 404
    assert fresh(db, WebhookEndpoint, added.id).secret == secret


# --- URLs: bad input, https, private addresses ----------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(document.cookie)", "Enter a web address starting with https://"),
        ("https://hr.example.org/" + "a" * 500, "at most 500 characters"),
        ("https://", "The URL needs a host name"),
        ("http:///no-host", "The URL needs a host name"),
        ("ftp://hr.example.org/hooks", "Enter a web address starting with https://"),
        ("hr.example.org/hooks", "Enter a web address starting with https://"),
        ("https://hr.example.org:99999/hooks", "That is not a valid URL"),
        ("https://user:pw@hr.example.org/hooks", "Leave the user name and password out"),
        ("https://hr.example.org/a b", "cannot contain spaces or control characters"),
        ("https://[::1/hooks", "That is not a valid URL"),
        ("", "Enter the URL of your endpoint"),
    ],
)
def test_a_bad_url_is_refused_with_a_message_and_nothing_saved(app, db, owner, url, message):
    response = add_endpoint(owner, url, ["job.published"])
    assert response.status_code == 200
    page = text(response)
    assert message in field_error(page, "url")
    assert 'aria-invalid="true"' in page and "Please fix the following" in page
    if url:
        assert f'value="{url}"' in page  # the form keeps what was typed
    assert count(db, WebhookEndpoint) == 0


def test_an_endpoint_needs_an_event(app, db, owner):
    response = add_endpoint(owner, "https://hr.example.org/hooks", [])
    page = text(response)
    assert response.status_code == 200 and "Choose at least one event." in page
    assert 'value="https://hr.example.org/hooks"' in page
    response = add_endpoint(owner, "https://hr.example.org/hooks", ["job.deleted"])
    assert response.status_code == 200
    assert "not a valid choice" in field_error(text(response), "events")
    assert count(db, WebhookEndpoint) == 0


def test_https_is_required_when_configured(app, db, owner, agency, make_job, receiver):
    added = endpoint(owner, receiver.url, "job.published")  # http: allowed in development
    app.config["WEBHOOK_REQUIRE_HTTPS"] = True
    response = add_endpoint(owner, "http://hr.example.org/hooks", ["job.published"])
    assert "The URL must start with https://" in field_error(text(response), "url")
    assert count(db, WebhookEndpoint) == 1

    make_job(agency=agency)  # the setting is checked again before sending
    assert send_due() == 1
    (delivery,) = deliveries(added.id)
    attempt = delivery.attempts_made[0]
    assert (
        attempt.error
        == "Not sent: The URL must start with https://: deliveries are only sent encrypted."
    )
    assert receiver.received == [] and delivery.failed_at is None  # tried again later


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[fd00::1]/hooks",
        "https://0.0.0.0/hooks",
        "https://2130706433/hooks",  # 127.0.0.1 as one number
        "https://100.64.0.1/hooks",  # shared address space
        "https://240.0.0.1/hooks",  # reserved
    ],
)
def test_a_private_address_is_refused_when_configured(app, db, owner, url):
    app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = False
    response = add_endpoint(owner, url, ["job.published"])
    assert response.status_code == 200
    assert "private, local or reserved address" in field_error(text(response), "url")
    assert count(db, WebhookEndpoint) == 0


def test_a_public_address_is_accepted_when_private_ones_are_refused(app, db, owner):
    app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = False
    endpoint(owner, "https://93.184.215.14/hooks", "job.published")


def test_a_private_address_is_refused_again_at_send_time(
    app, db, owner, agency, make_job, receiver
):
    added = endpoint(owner, receiver.url, "job.published")
    make_job(agency=agency)
    app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = False  # e.g. the name now resolves inside
    assert send_due() == 1
    (delivery,) = deliveries(added.id)
    assert "private, local or reserved address" in delivery.attempts_made[0].error
    assert receiver.received == []

    # the address connected to is checked too (a name may resolve differently by then)
    status, excerpt, error = tasks._post(receiver.url, added.secret, delivery)
    assert status is None and "refused: 127.0.0.1 is a private" in error
    assert receiver.received == []


# --- the worker and the command ---------------------------------------------------------------


def test_the_worker_and_the_command_send_due_deliveries(
    app, db, runner, owner, agency, make_job, receiver
):
    assert "webhooks" in dict(TASKS)
    names = [name for name, _task in TASKS]
    assert names.index("expire-jobs") < names.index("webhooks") < names.index("mail")
    endpoint(owner, receiver.url, "job.published")
    make_job(agency=agency)
    assert dict(TASKS)["webhooks"]() == "tried 1"
    make_job(agency=agency)
    result = runner.invoke(args=["webhooks", "send"])
    assert result.exit_code == 0 and "tried 1 deliveries" in result.output
    assert len(receiver.received) == 2


def test_the_payload_time_is_rfc_3339_in_utc():
    moment = datetime(2026, 3, 2, 9, 5, 7, 123456, tzinfo=UTC)
    assert services.rfc3339(moment) == "2026-03-02T09:05:07Z"
    assert services.rfc3339(None) is None


def test_backoff_is_capped_at_24_hours(app):
    created = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    delivery = WebhookDelivery(created_at=created, attempts=8)
    late = created + timedelta(hours=23)
    assert tasks.next_due(delivery, late) == created + timedelta(hours=24)
    assert tasks.next_due(delivery, created + timedelta(hours=24)) is None


def test_queued_deliveries_go_with_a_rolled_back_change(app, db, owner, agency, make_job):
    from portal.jobs import services as jobs

    endpoint(owner, "https://hr.example.org/hooks", "job.closed")
    job = make_job(agency=agency)
    jobs.close(db.session.get(Job, job.id), agency.owner)
    assert count(db, WebhookDelivery) == 1  # in the transaction of the change
    db.session.rollback()
    assert count(db, WebhookDelivery) == 0
    assert db.session.scalar(select(Job.status).where(Job.id == job.id)) == "published"
