"""The API's write side (portal/api: jobs_write.py, applications.py): creating drafts by the
job form's rules, idempotency keys (replay, another body, 24 hours, two requests at once),
If-Match on updates (428, 412, a race between check and save), publish/close/fill and
their refusals, the applications of the agency's jobs and their résumés, and hostile
JSON. Tokens themselves (scopes, expiry, revocation, the pages): test_api_tokens.py."""

import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select, text, update

from portal.api import idempotency
from portal.api.tasks import prune_idempotency_keys
from portal.jobs import services
from portal.models import (
    AuditEvent,
    IdempotencyKey,
    Job,
    JobShare,
    ResumeView,
)
from portal.models.types import utcnow
from portal.timeutil import today_pacific
from tests.support import count, fresh
from tests.support.api import applied, auth, make_token, membership_of
from tests.support.pooled import published_pool
from tests.support.reference import community, credential_id, occupation

PROBLEM_KEYS = {"type", "title", "status", "instance"}
JOB_COLUMNS = (
    "title",
    "description",
    "occupation_id",
    "community_id",
    "region_id",
    "employment_type",
    "hours_per_week",
    "schedule",
    "pay_min_cents",
    "pay_max_cents",
    "pay_unit",
    "union_position",
    "pooled",
    "how_to_apply",
    "closes_on",
    "reference",
    "status",
)


def in_days(days: int):
    return today_pacific() + timedelta(days=days)


def job_json(db, **overrides) -> dict:
    """A valid job as the API takes it (the same job as ``job_form``)."""
    data = {
        "title": "Residential Support Worker",
        "occupation_id": occupation(db, "42201").id,
        "community_id": community(db, "Nelson").id,
        "employment_type": "part_time",
        "hours_per_week": 30,
        "schedule": "Evenings and weekends",
        "pay_min": 25.5,
        "pay_max": "29.75",
        "pay_unit": "hourly",
        "union_position": True,
        "required_credentials": [
            credential_id(db, "criminal-record-check"),
            credential_id(db, "first-aid-cpr-c"),
        ],
        "preferred_credentials": [credential_id(db, "class-5-licence")],
        "description": "Support adults living in a staffed home in Nelson.",
        "how_to_apply": "Send a resume to jobs@example.org.",
        "closes_on": in_days(30).isoformat(),
        "reference": "REQ-2031",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def job_form(db) -> dict:
    """The same job as a browser sends it from the job form."""
    found = job_json(db)
    return {
        **{k: str(v) for k, v in found.items() if not isinstance(v, list | bool)},
        "union_position": "yes",
        "required_credentials": found["required_credentials"],
        "preferred_credentials": found["preferred_credentials"],
        "version_id": "",
        "save": "Save draft",
    }


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status
    return body


def fields_of(body: dict) -> set:
    return {error["field"] for error in body.get("errors", [])}


def columns(job: Job) -> dict:
    found = {name: getattr(job, name) for name in JOB_COLUMNS}
    found["credentials"] = sorted((c.credential_id, c.required) for c in job.credentials)
    return found


@pytest.fixture
def staff(make_agency):
    """An approved agency and an all-scopes token of its owner."""
    agency = make_agency(name="Kootenay Living Society")
    raw = make_token(membership_of(agency.owner, agency))
    return agency, auth(raw)


@pytest.fixture
def other(make_agency):
    """Another approved agency, with a job and an all-scopes token of its owner."""
    agency = make_agency(name="Valley Community Living")
    return agency, auth(make_token(membership_of(agency.owner, agency)))


def create(client, headers, body, key: str | None = None):
    headers = dict(headers)
    if key is not None:
        headers[idempotency.HEADER] = key
    return client.post("/api/v1/jobs", json=body, headers=headers)


def patch(client, headers, job_id: int, body, etag: str | None):
    headers = dict(headers)
    if etag is not None:
        headers["If-Match"] = etag
    return client.patch(f"/api/v1/jobs/{job_id}", json=body, headers=headers)


# --- creating a draft --------------------------------------------------------------------


def test_create_makes_the_draft_a_form_post_would(client, db, staff, login):
    agency, headers = staff
    response = create(client, headers, job_json(db))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "draft" and body["reference"] == "REQ-2031"
    assert response.headers["ETag"] == f'"v{body["version"]}"' == '"v1"'
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{body['id']}")
    assert "Idempotent-Replayed" not in response.headers
    made = db.session.get(Job, body["id"])
    assert made.agency_id == agency.id and made.created_by_id == agency.owner.id
    login(client, agency.owner)
    assert client.post_form("/agency/jobs/new", job_form(db)).status_code == 302
    by_form = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert by_form.id != made.id
    assert columns(fresh(db, Job, made.id)) == columns(by_form)
    # the audit trail names the token's maker
    assert (
        db.session.scalar(
            select(AuditEvent.user_id).where(AuditEvent.action == "job.created").limit(1)
        )
        == agency.owner.id
    )


def test_create_lists_every_field_problem_and_saves_nothing(client, db, staff):
    _, headers = staff
    before = count(db, Job)
    body = job_json(
        db, title=None, employment_type="sometimes", pay_max="20", closes_on="2026-02-30"
    )
    problem = assert_problem(create(client, headers, body), 422)
    assert {"title", "employment_type", "pay_max", "closes_on"} <= fields_of(problem)
    assert all(error["detail"] for error in problem["errors"])
    assert count(db, Job) == before


def test_create_refuses_unknown_fields_by_name(client, db, staff):
    _, headers = staff
    problem = assert_problem(create(client, headers, job_json(db, salary=5)), 422)
    assert fields_of(problem) == {"salary"}


def test_a_pending_agency_makes_drafts_but_cannot_publish(client, db, make_agency):
    agency = make_agency(status="pending")
    headers = auth(make_token(membership_of(agency.owner, agency)))
    response = create(client, headers, job_json(db))
    assert response.status_code == 201
    problem = assert_problem(
        client.post(f"/api/v1/jobs/{response.get_json()['id']}/publish", headers=headers), 409
    )
    assert "administrator approves" in problem["detail"]
    assert db.session.get(Job, response.get_json()["id"]).status == "draft"


# --- idempotency keys --------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer(client, db, staff):
    _, headers = staff
    body = job_json(db)
    first = create(client, headers, body, key="order-77")
    before = count(db, Job)
    # the same values in another order are the same body
    again = create(client, headers, dict(reversed(list(body.items()))), key="order-77")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert count(db, Job) == before
    # another key is another job
    third = create(client, headers, body, key="order-78")
    assert third.get_json()["id"] != first.get_json()["id"] and count(db, Job) == before + 1


def test_the_same_key_with_another_body_is_refused(client, db, staff):
    _, headers = staff
    create(client, headers, job_json(db), key="k1")
    before = count(db, Job)
    problem = assert_problem(create(client, headers, job_json(db, title="Other"), key="k1"), 422)
    assert fields_of(problem) == {idempotency.HEADER}
    assert count(db, Job) == before


def test_keys_are_per_token(client, db, staff):
    agency, headers = staff
    second = auth(make_token(membership_of(agency.owner, agency), name="Second"))
    first = create(client, headers, job_json(db), key="shared")
    other = create(client, second, job_json(db), key="shared")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.get_json()["id"] != first.get_json()["id"]


def test_a_refused_request_keeps_no_key(client, db, staff):
    _, headers = staff
    assert create(client, headers, job_json(db, title=""), key="fix-me").status_code == 422
    assert count(db, IdempotencyKey) == 0
    assert create(client, headers, job_json(db), key="fix-me").status_code == 201


@pytest.mark.parametrize("key", ["", " ", "x" * 201, "tab\there"])
def test_a_bad_key_is_refused(client, db, staff, key):
    _, headers = staff
    problem = assert_problem(create(client, headers, job_json(db), key=key), 400)
    assert fields_of(problem) == {idempotency.HEADER}
    assert count(db, Job) == 0


def test_keys_last_24_hours_and_are_pruned(client, db, staff):
    _, headers = staff
    body = job_json(db)
    first = create(client, headers, body, key="daily")
    with freeze_time(utcnow() + timedelta(hours=23)):
        assert create(client, headers, body, key="daily").headers["Idempotent-Replayed"]
    with freeze_time(utcnow() + timedelta(hours=25)):
        later = create(client, headers, body, key="daily")
        assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
        assert later.get_json()["id"] != first.get_json()["id"]
        assert count(db, IdempotencyKey) == 1  # the old one replaced
    create(client, headers, body, key="older")
    with freeze_time(utcnow() + timedelta(hours=25)):
        assert "removed 1 " in prune_idempotency_keys()
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["daily"]


def test_a_key_taken_between_lookup_and_insert_replays(client, db, staff, monkeypatch):
    """Another request with the key committed after this one looked it up: the insert
    fails on the unique constraint, and the answer is the stored one."""
    _, headers = staff
    body = job_json(db)
    first = create(client, headers, body, key="raced").get_json()
    real = idempotency.stored
    calls = []

    def missed_once(token, key):
        calls.append(key)
        return None if len(calls) == 1 else real(token, key)

    monkeypatch.setattr(idempotency, "stored", missed_once)
    again = create(client, headers, body, key="raced")
    assert len(calls) == 2
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first["id"] and count(db, Job) == 1


def test_a_key_of_an_unfinished_request_is_409(client, db, staff, monkeypatch):
    _, headers = staff
    create(client, headers, job_json(db), key="busy")
    db.session.execute(update(IdempotencyKey).values(status_code=idempotency.PENDING))
    db.session.commit()
    real = idempotency.stored
    calls = []

    def missed_once(token, key):
        calls.append(key)
        return None if len(calls) == 1 else real(token, key)

    monkeypatch.setattr(idempotency, "stored", missed_once)
    problem = assert_problem(create(client, headers, job_json(db), key="busy"), 409)
    assert "in progress" in problem["detail"] and count(db, Job) == 1


@pytest.mark.postgresql_only
def test_two_requests_with_one_key_at_once_make_one_job(app, db, staff, monkeypatch):
    """The second request looks the key up while the first has inserted it but not
    committed; its insert waits for the first to commit, fails, and replays its answer."""
    _, headers = staff
    body = job_json(db)
    first_inside, second_looked = threading.Event(), threading.Event()
    real_stored, real_create = idempotency.stored, services.create_draft

    def stored(token, key):
        if first_inside.is_set():
            second_looked.set()
        return real_stored(token, key)

    def create_draft(*args):
        job = real_create(*args)
        first_inside.set()
        assert second_looked.wait(20), "the second request never looked the key up"
        return job

    monkeypatch.setattr(idempotency, "stored", stored)
    monkeypatch.setattr(services, "create_draft", create_draft)
    answers = {}

    def send(name):
        answers[name] = create(app.test_client(), headers, body, key="together")

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_inside.wait(20)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    first.join(30)
    second.join(30)
    assert answers["first"].status_code == 201, answers["first"].get_data(as_text=True)
    assert answers["second"].status_code == 201, answers["second"].get_data(as_text=True)
    assert answers["second"].headers["Idempotent-Replayed"] == "true"
    assert answers["second"].get_json()["id"] == answers["first"].get_json()["id"]
    db.session.expire_all()
    assert count(db, Job) == 1


# --- updating with If-Match --------------------------------------------------------------


@pytest.fixture
def draft(client, db, staff):
    _, headers = staff
    response = create(client, headers, job_json(db))
    return response.get_json()["id"], response.headers["ETag"]


def test_an_update_needs_if_match(client, db, staff, draft):
    _, headers = staff
    job_id, _ = draft
    problem = assert_problem(patch(client, headers, job_id, {"title": "New"}, None), 428)
    assert "If-Match" in problem["detail"]
    assert db.session.get(Job, job_id).title == "Residential Support Worker"


@pytest.mark.parametrize("etag", ['"v0"', '"v2"', 'W/"v1"', "*", '"1"'])
def test_a_stale_or_other_etag_is_412(client, db, staff, draft, etag):
    _, headers = staff
    job_id, _ = draft
    response = patch(client, headers, job_id, {"title": "New"}, etag)
    assert_problem(response, 412)
    assert response.headers["ETag"] == '"v1"'
    job = fresh(db, Job, job_id)
    assert job.title == "Residential Support Worker" and job.version_id == 1


def test_an_update_changes_only_the_fields_sent(client, db, staff, draft):
    _, headers = staff
    job_id, etag = draft
    before = columns(db.session.get(Job, job_id))
    response = patch(client, headers, job_id, {"pay_max": 31, "reference": None}, etag)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["ETag"] == '"v2"' and response.get_json()["version"] == 2
    after = columns(fresh(db, Job, job_id))
    assert after.pop("pay_max_cents") == 3100 and after.pop("reference") is None
    before.pop("pay_max_cents"), before.pop("reference")
    assert after == before
    # the old ETag is now stale
    assert_problem(patch(client, headers, job_id, {"title": "Again"}, etag), 412)
    assert patch(client, headers, job_id, {"title": "Again"}, '"v2"').status_code == 200


def test_an_update_is_judged_by_the_form_rules(client, db, staff, draft):
    _, headers = staff
    job_id, etag = draft
    problem = assert_problem(
        patch(client, headers, job_id, {"pay_min": 40, "hours_per_week": 0}, etag), 422
    )
    assert {"pay_max", "hours_per_week"} <= fields_of(problem)
    assert db.session.get(Job, job_id).version_id == 1


def test_an_update_keeps_the_weekly_schedule(client, db, staff, make_job):
    agency, headers = staff
    blocks = [[day, "09:00", "17:00"] for day in range(5)]
    job = make_job(agency=agency, status="draft", hours_per_week=40, schedule_blocks=blocks)
    response = patch(client, headers, job.id, {"title": "Day Program Worker"}, '"v1"')
    assert response.status_code == 200, response.get_data(as_text=True)
    lead = db.session.scalar(select(JobShare).where(JobShare.job_id == job.id))
    assert [list(b) for b in fresh(db, JobShare, lead.id).schedule_blocks] == blocks
    # hours that disagree with the schedule are refused, as on the page
    problem = assert_problem(patch(client, headers, job.id, {"hours_per_week": 20}, '"v2"'), 422)
    assert problem["errors"]


def test_a_save_between_check_and_update_is_412(client, db, staff, draft, monkeypatch):
    """If-Match was current when checked, but someone saved the job before the UPDATE:
    the version check in the UPDATE catches it."""
    _, headers = staff
    job_id, etag = draft
    real = services.update_job

    def saved_meanwhile(job, data, seen, by):
        with db.engine.begin() as other:  # another request's transaction
            other.execute(text("UPDATE jobs SET version_id = 2 WHERE id = :id"), {"id": job.id})
        return real(job, data, seen, by)

    monkeypatch.setattr(services, "update_job", saved_meanwhile)
    response = patch(client, headers, job_id, {"title": "Lost Update"}, etag)
    assert_problem(response, 412)
    assert response.headers["ETag"] == '"v2"'
    assert fresh(db, Job, job_id).title == "Residential Support Worker"


def test_another_agencys_job_or_a_missing_one_is_404(client, db, staff, other, make_job):
    agency, _ = staff
    other_agency, other_headers = other
    job = make_job(agency=agency, status="draft")
    for job_id in (job.id, 2147483647):
        assert_problem(patch(client, other_headers, job_id, {"title": "Mine"}, '"v1"'), 404)
        for action in ("publish", "close", "fill"):
            assert_problem(
                client.post(f"/api/v1/jobs/{job_id}/{action}", headers=other_headers), 404
            )
    assert fresh(db, Job, job.id).status == "draft"


def test_a_partner_cannot_change_a_pooled_job(client, db, staff, other):
    agency, headers = staff
    other_agency, other_headers = other
    pooled = published_pool(agency, [other_agency])
    assert_problem(patch(client, other_headers, pooled.id, {"title": "Ours"}, '"v1"'), 404)
    # ... but sees its applications
    assert (
        client.get(f"/api/v1/jobs/{pooled.id}/applications", headers=other_headers).status_code
        == 200
    )


# --- publish, close, fill ----------------------------------------------------------------


def test_the_lifecycle_and_its_refusals(client, db, staff, draft):
    _, headers = staff
    job_id, etag = draft

    def act(action, **extra):
        return client.post(f"/api/v1/jobs/{job_id}/{action}", headers={**headers, **extra})

    assert_problem(act("close"), 409)
    assert_problem(act("publish", **{"If-Match": '"v0"'}), 412)
    published = act("publish", **{"If-Match": etag})
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    assert published.headers["ETag"] == f'"v{published.get_json()["version"]}"' != etag
    refusal = assert_problem(act("publish"), 409)
    assert "published job cannot be published" in refusal["detail"]
    assert act("close").get_json()["status"] == "closed"
    assert "Only a published job" in assert_problem(act("fill"), 409)["detail"]
    assert act("publish").get_json()["status"] == "published"
    assert act("fill").get_json()["status"] == "filled"
    assert fresh(db, Job, job_id).status == "filled"


# --- applications and résumés ------------------------------------------------------------


@pytest.fixture
def applications(staff, other, make_job):
    """Three applications to a job of the agency, one to the other agency's job."""
    agency, _ = staff
    other_agency, _ = other
    job = make_job(agency=agency, title="Outreach Worker")
    found = [applied(job, name=f"Applicant {n}", cover_note=f"Note {n}") for n in range(3)]
    theirs = applied(make_job(agency=other_agency), name="Their Applicant")
    return job, found, theirs


def test_a_jobs_applications_as_the_applicants_page_shows_them(client, db, staff, applications):
    _, headers = staff
    job, found, _ = applications
    response = client.get(f"/api/v1/jobs/{job.id}/applications", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["total"] == 3 and body["next_cursor"] is None
    assert [a["id"] for a in body["applications"]] == [a.id for a in reversed(found)]
    first = body["applications"][-1]
    seeker = found[0].seeker
    assert first["applicant"] == {"name": seeker.name, "email": seeker.email}
    assert first["status"] == "new" and first["cover_note"] == "Note 0"
    assert first["resume_url"].endswith(f"/api/v1/applications/{found[0].id}/resume")
    assert first["resume_filename"] == "cv.pdf" and first["answers"] == []


def test_applications_page_through_a_cursor(client, db, staff, applications):
    _, headers = staff
    job, found, _ = applications
    url = f"/api/v1/jobs/{job.id}/applications"
    page = client.get(url, query_string={"limit": 2}, headers=headers).get_json()
    assert len(page["applications"]) == 2 and page["next_cursor"]
    rest = client.get(
        url, query_string={"limit": 2, "cursor": page["next_cursor"]}, headers=headers
    ).get_json()
    ids = [a["id"] for a in page["applications"] + rest["applications"]]
    assert sorted(ids) == sorted(a.id for a in found) and rest["next_cursor"] is None
    bad = client.get(url, query_string={"cursor": "bm90IGEgY3Vyc29y"}, headers=headers)
    assert_problem(bad, 400)


def test_a_pooled_partner_sees_its_own_decision(client, db, staff, other):
    from portal.applications import services as pipeline

    agency, headers = staff
    other_agency, other_headers = other
    pooled = published_pool(agency, [other_agency])
    application = applied(pooled)
    with client.application.test_request_context():
        pipeline.change_status(application.decision_for(agency.id), "interview", agency.owner)
    db.session.commit()
    ours = client.get(f"/api/v1/jobs/{pooled.id}/applications", headers=headers).get_json()
    theirs = client.get(f"/api/v1/jobs/{pooled.id}/applications", headers=other_headers).get_json()
    assert [a["status"] for a in ours["applications"]] == ["interview"]
    assert [a["status"] for a in theirs["applications"]] == ["new"]


def test_the_resume_downloads_as_sent_and_the_view_is_recorded(client, db, staff, applications):
    agency, headers = staff
    _, found, _ = applications
    response = client.get(f"/api/v1/applications/{found[1].id}/resume", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data == b"%PDF-1.4 Applicant 1"
    view = db.session.scalar(select(ResumeView))
    assert (view.resume_id, view.viewer_id, view.agency_id) == (
        found[1].resume_id,
        agency.owner.id,
        agency.id,
    )


def test_other_agencies_applications_are_404(client, db, staff, applications):
    _, headers = staff
    _, _, theirs = applications
    assert_problem(client.get(f"/api/v1/jobs/{theirs.job_id}/applications", headers=headers), 404)
    assert_problem(client.get(f"/api/v1/applications/{theirs.id}/resume", headers=headers), 404)
    assert_problem(client.get("/api/v1/applications/2147483647/resume", headers=headers), 404)
    assert count(db, ResumeView) == 0


def test_applications_need_their_scope(client, db, staff, applications):
    agency, _ = staff
    job, found, _ = applications
    jobs_only = auth(make_token(membership_of(agency.owner, agency), ["jobs:read", "jobs:write"]))
    for url in (
        f"/api/v1/jobs/{job.id}/applications",
        f"/api/v1/applications/{found[0].id}/resume",
    ):
        problem = assert_problem(client.get(url, headers=jobs_only), 403)
        assert "applications:read" in problem["detail"]
    reader = auth(make_token(membership_of(agency.owner, agency), ["applications:read"]))
    assert client.get(f"/api/v1/jobs/{job.id}/applications", headers=reader).status_code == 200
    assert_problem(create(client, reader, job_json(db)), 403)


# --- hostile JSON ------------------------------------------------------------------------

HOSTILE_BODIES = [
    "[]",
    '"a job"',
    "1",
    "null",
    "{",
    '{"title": "a",}',
    "[" * 100000 + "]" * 100000,
    '{"title": {"a": 1}}',
    '{"title": ["a", "b"]}',
    '{"title": 5}',
    '{"title": "' + "x" * 300000 + '"}',
    '{"title": "a\\u0000b"}',
    '{"description": "\\ud800"}',
    '{"pay_min": 1e999}',
    '{"pay_min": NaN}',
    '{"pay_max": -Infinity}',
    '{"occupation_id": 1' + "0" * 40 + "}",
    '{"occupation_id": 1' + "0" * 5000 + "}",
    '{"community_id": -1}',
    '{"hours_per_week": true}',
    '{"required_credentials": [[1]]}',
    '{"required_credentials": "1"}',
    '{"required_credentials": [' + ",".join(["1"] * 500) + "]}",
    '{"preferred_credentials": [2147483648, "²"]}',
    '{"union_position": [true]}',
    '{"closes_on": "٢٠٢٧-٠١-٠١"}',
    '{"\\u0000": 1}',
    '{"title": "x", "title": "\\u0000"}',
]


@pytest.mark.parametrize("raw", HOSTILE_BODIES, ids=lambda raw: raw[:30])
def test_hostile_json_is_a_problem_never_a_500(client, db, staff, draft, raw):
    _, headers = staff
    job_id, etag = draft
    before = count(db, Job)
    sent = {**headers, "Content-Type": "application/json"}
    for response in (
        client.post("/api/v1/jobs", data=raw, headers=sent),
        client.patch(f"/api/v1/jobs/{job_id}", data=raw, headers={**sent, "If-Match": etag}),
    ):
        assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]
        assert response.mimetype == "application/problem+json"
    assert count(db, Job) == before
    assert fresh(db, Job, job_id).version_id == 1


def test_a_body_that_is_not_json_is_415(client, db, staff):
    _, headers = staff
    response = client.post("/api/v1/jobs", data={"title": "x"}, headers=headers)
    assert_problem(response, 415)
