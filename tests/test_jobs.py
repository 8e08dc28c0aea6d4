"""Job postings: drafts, validation, publishing, editing with optimistic locking, the
lifecycle (close, fill, expire, extend, duplicate), moderation, the agency's job list,
search index consistency and the public job page."""

import html
import json
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.errors import PortalError
from portal.jobs import services
from portal.models import (
    AuditEvent,
    Job,
    JobCredential,
    JobShare,
    SearchOutbox,
)
from portal.models.types import utcnow
from portal.timeutil import PACIFIC, today_pacific
from tests.support import count, field_error, fresh, job_fields, text
from tests.support.applications import search_ids
from tests.support.reference import community, credential_id, occupation

VERSION_RE = re.compile(r'name="version_id" type="hidden" value="(\d*)"')
JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
NOINDEX = '<meta name="robots" content="noindex">'


def job_titled(db, title: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.title == title))


def in_days(days: int):
    return today_pacific() + timedelta(days=days)


def job_form(db, **overrides) -> dict:
    """What a browser sends from the job form (the "save" button unless overridden)."""
    data = {
        "title": "Residential Support Worker",
        "occupation_id": occupation(db, "42201").id,
        "community_id": community(db, "Nelson").id,
        "employment_type": "part_time",
        "hours_per_week": "30",
        "schedule": "Evenings and weekends",
        "pay_min": "25.50",
        "pay_max": "29.75",
        "pay_unit": "hourly",
        "union_position": "yes",
        "required_credentials": [
            credential_id(db, "criminal-record-check"),
            credential_id(db, "first-aid-cpr-c"),
        ],
        "preferred_credentials": [credential_id(db, "class-5-licence")],
        "description": "Support adults living in a staffed home in Nelson.",
        "how_to_apply": "Send a resume to jobs@example.org.",
        "closes_on": in_days(30).isoformat(),
        "version_id": "",
        "save": "Save draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def version_on(page: str) -> str:
    return VERSION_RE.search(page).group(1)


def json_ld(page: str) -> dict | None:
    found = JSON_LD_RE.search(page)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def staff(client, make_agency, login):
    """An approved agency with its owner signed in on ``client``."""
    agency = make_agency(name="Kootenay Living Society")
    login(client, agency.owner)
    return agency


# --- 1. drafts ---------------------------------------------------------------------------


def test_save_draft(app, client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db))
    job = job_titled(db, "Residential Support Worker")
    assert response.status_code == 302
    assert response.location == f"/agency/jobs/{job.id}/edit"
    assert "Saved." in text(client.get(response.location))

    nelson = community(db, "Nelson")
    assert job.status == "draft" and job.published_at is None
    assert job.agency_id == staff.id and job.created_by_id == staff.owner.id
    assert job.occupation.noc_code == "42201"
    assert job.community_id == nelson.id
    assert job.region_id == nelson.region_id and job.region.code == "kootenay"
    assert (job.employment_type, job.hours_per_week, job.schedule) == (
        "part_time",
        30.0,
        "Evenings and weekends",
    )
    assert (job.pay_min_cents, job.pay_max_cents, job.pay_unit) == (2550, 2975, "hourly")
    assert job.union_position is True
    assert job.description == "Support adults living in a staffed home in Nelson."
    assert job.how_to_apply == "Send a resume to jobs@example.org."
    assert job.closes_on == in_days(30)
    assert {(c.credential.code, c.required) for c in job.credentials} == {
        ("criminal-record-check", True),
        ("first-aid-cpr-c", True),
        ("class-5-licence", False),
    }

    # one share for the agency, mirroring the job
    shares = db.session.scalars(select(JobShare).where(JobShare.job_id == job.id)).all()
    assert len(shares) == 1
    share = shares[0]
    assert (share.agency_id, share.status) == (staff.id, "accepted")
    assert share.hours_per_week == 30.0
    assert share.community_id == nelson.id
    assert (share.pay_min_cents, share.pay_max_cents, share.pay_unit) == (2550, 2975, "hourly")
    assert share.unionized is True

    # enqueued for the search index in the same transaction, but a draft is not searchable
    assert db.session.scalar(select(SearchOutbox).where(SearchOutbox.job_id == job.id))
    assert job.id not in search_ids(app.test_client(), "residential")
    assert job.id not in search_ids(app.test_client())
    assert job.id not in search_ids(client, "residential")


def test_preview_draft(app, client, db, staff, make_agency, login):
    response = client.post_form(
        "/agency/jobs/new", job_form(db, save=None, preview="Save and preview")
    )
    job = job_titled(db, "Residential Support Worker")
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    response = client.get(response.location)
    assert response.status_code == 200
    page = text(response)
    assert "Preview." in page and "visible only to your agency" in page
    assert "Residential Support Worker" in page
    assert NOINDEX in page and json_ld(page) is None
    assert job.status == "draft"

    assert app.test_client().get(f"/jobs/{job.id}").status_code == 404
    outsider = app.test_client()
    login(outsider, make_agency().owner)
    assert outsider.get(f"/jobs/{job.id}").status_code == 404


def test_edit_draft(client, db, staff):
    client.post_form("/agency/jobs/new", job_form(db))
    job = job_titled(db, "Residential Support Worker")
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert 'value="Residential Support Worker"' in page
    assert "Support adults living in a staffed home in Nelson." in page

    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(
            db,
            title="Night Support Worker",
            version_id=version_on(page),
            union_position="no",
            community_id=community(db, "Victoria").id,
            required_credentials=[credential_id(db, "class-5-licence")],
            preferred_credentials=[credential_id(db, "criminal-record-check")],
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert job.title == "Night Support Worker" and job.status == "draft"
    assert job.region.code == "vancouver-island-coast"
    assert {(c.credential.code, c.required) for c in job.credentials} == {
        ("class-5-licence", True),
        ("criminal-record-check", False),
    }
    share = db.session.scalar(select(JobShare).where(JobShare.job_id == job.id))
    assert share.community.name == "Victoria" and share.unionized is False
    assert count(db, JobShare) == 1


# --- 2. bad input ------------------------------------------------------------------------


BAD_INPUT = [
    ("title", {"title": ""}, "Enter the job title."),
    ("occupation_id", {"occupation_id": 0}, "Choose the occupation."),
    ("hours_per_week", {"hours_per_week": "0"}, "Enter between 1 and 80 hours."),
    ("hours_per_week", {"hours_per_week": "100"}, "Enter between 1 and 80 hours."),
    (
        "pay_max",
        {"pay_min": "30", "pay_max": "25"},
        "The minimum pay cannot be more than the maximum.",
    ),
    (
        "pay_max",
        {"pay_min": "12.00", "pay_max": "14.00"},
        "Hourly pay cannot be below BC's minimum wage ($17.85).",
    ),
    (
        "pay_max",
        {"pay_min": "800", "pay_max": "900"},
        "That pay is above the plausible range; check the amount and the unit.",
    ),
    (
        "pay_max",
        {"pay_min": "20000", "pay_max": "20000", "pay_unit": "annual"},
        "Annual pay below $30,000 is not plausible for a posting; check the unit.",
    ),
    ("pay_min", {"pay_min": "", "pay_max": ""}, "Enter the lowest pay of the range."),
    ("closes_on", {"closes_on": "in181"}, "A posting can stay open at most 180 days."),
    (
        "preferred_credentials",
        {"preferred_credentials": "same"},
        "A credential cannot be both required and preferred.",
    ),
    ("union_position", {"union_position": None}, "Say whether the position is unionized."),
]


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    BAD_INPUT,
    ids=[f"{f}-{i}" for i, (f, _c, _m) in enumerate(BAD_INPUT)],
)
@pytest.mark.parametrize("button", ["save", "publish"])
def test_bad_input_keeps_values_and_saves_nothing(
    client, db, staff, field, changes, message, button
):
    changes = dict(changes)
    if changes.get("closes_on") == "in181":
        changes["closes_on"] = in_days(181).isoformat()
    if changes.get("preferred_credentials") == "same":
        changes["preferred_credentials"] = [credential_id(db, "criminal-record-check")]
    data = job_form(
        db,
        **{
            "title": "Zephyr Outreach Worker",
            "description": "Walk with *youth* downtown.",
            **changes,
        },
    )
    if button == "publish":
        data = {**{k: v for k, v in data.items() if k != "save"}, "publish": "Save and publish"}

    response = client.post_form("/agency/jobs/new", data)
    page = text(response)
    assert response.status_code == 200
    assert message in (field_error(page, field) or ""), field_error(page, field)
    assert "Please fix the following" in page
    if field != "title":
        assert 'value="Zephyr Outreach Worker"' in page
    assert "Walk with *youth* downtown." in page
    assert 'value="Evenings and weekends"' in page
    assert (
        count(db, Job),
        count(db, JobShare),
        count(db, JobCredential),
        count(db, SearchOutbox),
    ) == (0, 0, 0, 0)


def test_bad_edit_saves_nothing(client, db, staff, make_job):
    job = make_job(agency=staff, title="Keep This Title")
    version = version_on(text(client.get(f"/agency/jobs/{job.id}/edit")))
    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(db, title="Changed Title", hours_per_week="0", version_id=version),
    )
    assert response.status_code == 200
    page = text(response)
    assert "Enter between 1 and 80 hours." in field_error(page, "hours_per_week")
    assert 'value="Changed Title"' in page
    db.session.expire_all()
    assert job.title == "Keep This Title" and job.hours_per_week == 37.5


# --- 3. publishing -----------------------------------------------------------------------


def publish_form(db, **overrides) -> dict:
    return job_form(db, save=None, publish="Save and publish", **overrides)


def test_approved_agency_publishes(app, client, db, staff):
    before = utcnow()
    response = client.post_form(
        "/agency/jobs/new", publish_form(db, title="Quillwort Youth Worker")
    )
    job = job_titled(db, "Quillwort Youth Worker")
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    assert job.status == "published"
    assert before <= job.published_at <= utcnow()
    assert job.ended_at is None
    # searchable as soon as the publishing request returned, from any client
    assert search_ids(app.test_client(), "quillwort") == [job.id]
    page = text(client.get(response.location))
    assert "The job is published and searchable now." in page
    assert "Preview." not in page


def test_publish_a_saved_draft_from_the_edit_page(app, client, db, staff):
    client.post_form("/agency/jobs/new", job_form(db, title="Larkspur Family Worker"))
    job = job_titled(db, "Larkspur Family Worker")
    assert search_ids(app.test_client(), "larkspur") == []
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert 'name="publish"' in page
    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        publish_form(db, title="Larkspur Family Worker", version_id=version_on(page)),
    )
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    db.session.expire_all()
    assert job.status == "published" and job.published_at is not None
    assert search_ids(app.test_client(), "larkspur") == [job.id]


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_unapproved_agency_cannot_publish(app, client, db, make_agency, login, status):
    agency = make_agency(status=status)
    login(client, agency.owner)
    page = text(client.get("/agency/jobs/new"))
    assert f"Your agency is {status}" in page
    assert 'name="publish"' not in page  # no publish button

    response = client.post_form("/agency/jobs/new", publish_form(db, title="Marigold Job Coach"))
    job = job_titled(db, "Marigold Job Coach")
    assert response.status_code == 302
    assert response.location == f"/agency/jobs/{job.id}/edit"
    page = text(client.get(response.location))
    assert "Your agency can publish once an administrator approves it." in page
    assert "The job is saved as a draft." in page
    assert job.status == "draft" and job.published_at is None
    assert search_ids(app.test_client(), "marigold") == []

    # nor with the one-click publish action
    response = client.post_form(f"/agency/jobs/{job.id}/publish", follow_redirects=True)
    assert "Your agency can publish once an administrator approves it." in text(response)
    db.session.expire_all()
    assert job.status == "draft"
    assert search_ids(app.test_client(), "marigold") == []


def test_closing_date_in_the_past_cannot_be_published(app, client, db, staff):
    response = client.post_form(
        "/agency/jobs/new",
        publish_form(db, title="Saffron Shelter Worker", closes_on=in_days(-1).isoformat()),
    )
    job = job_titled(db, "Saffron Shelter Worker")
    assert response.status_code == 302
    assert "Set a closing date from today on before publishing." in text(
        client.get(response.location)
    )
    assert job.status == "draft" and job.published_at is None
    assert search_ids(app.test_client(), "saffron") == []


def test_one_click_publish_of_a_draft(app, client, db, staff, make_job):
    job = make_job(agency=staff, status="draft", title="Tamarack Respite Worker")
    assert search_ids(app.test_client(), "tamarack") == []
    response = client.post_form(f"/agency/jobs/{job.id}/publish")
    assert response.status_code == 302
    assert "The job is published." in text(client.get(response.location))
    db.session.expire_all()
    assert job.status == "published"
    assert search_ids(app.test_client(), "tamarack") == [job.id]


# --- 4. editing a published job ----------------------------------------------------------


def test_edit_published_job_updates_search(app, client, db, staff, make_job):
    job = make_job(agency=staff, title="Zanzibarite Life Skills Worker")
    assert search_ids(app.test_client(), "zanzibarite") == [job.id]
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert 'name="publish"' not in page  # already published: save keeps it published
    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(db, title="Pelicanhold Life Skills Worker", version_id=version_on(page)),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert job.title == "Pelicanhold Life Skills Worker" and job.status == "published"
    anyone = app.test_client()
    assert search_ids(anyone, "pelicanhold") == [job.id]
    assert job.id not in search_ids(anyone, "zanzibarite")


def test_published_job_closing_date_cannot_move_into_the_past(client, db, staff, make_job):
    job = make_job(agency=staff)
    version = version_on(text(client.get(f"/agency/jobs/{job.id}/edit")))
    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(db, version_id=version, closes_on=in_days(-2).isoformat()),
    )
    assert response.status_code == 400
    assert "The closing date of a published job cannot be in the past." in text(response)
    db.session.expire_all()
    assert job.closes_on == in_days(30) and job.title == "Community Support Worker"


def test_concurrent_edit_is_refused(app, client, db, staff, make_job, make_recruiter, login):
    job = make_job(agency=staff, title="Original Title")
    recruiter = app.test_client()
    login(recruiter, make_recruiter(staff))
    owner_page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    recruiter_page = text(recruiter.get(f"/agency/jobs/{job.id}/edit"))
    loaded = version_on(owner_page)
    assert loaded and version_on(recruiter_page) == loaded

    response = client.post_form(
        f"/agency/jobs/{job.id}/edit", job_form(db, title="Owner's Title", version_id=loaded)
    )
    assert response.status_code == 302

    response = recruiter.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(
            db,
            title="Recruiter's Title",
            description="The recruiter's careful rewrite.",
            version_id=loaded,
        ),
    )
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this job" in page
    assert 'value="Recruiter\'s Title"' in page
    assert "The recruiter's careful rewrite." in page
    db.session.expire_all()
    assert job.title == "Owner's Title"
    assert job.description == "Support adults living in a staffed home in Nelson."

    # having seen the conflict, the recruiter can save their version deliberately
    current = version_on(page)
    assert current != loaded
    response = recruiter.post_form(
        f"/agency/jobs/{job.id}/edit", job_form(db, title="Recruiter's Title", version_id=current)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert job.title == "Recruiter's Title"


# --- 5. close, fill, gone, duplicate, extend ---------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "flash"),
    [
        ("close", "closed", "The job is closed and no longer in search."),
        ("fill", "filled", "The job is marked filled."),
    ],
)
def test_close_or_fill(app, client, db, staff, make_job, action, status, flash):
    job = make_job(agency=staff, title="Huckleberry Outreach Worker")
    anyone = app.test_client()
    assert search_ids(anyone, "huckleberry") == [job.id]

    response = client.post_form(f"/agency/jobs/{job.id}/{action}")
    assert response.status_code == 302
    assert response.location == f"/agency/jobs/{job.id}/edit"
    assert flash in text(client.get(response.location))
    db.session.expire_all()
    assert job.status == status and job.ended_at is not None
    assert search_ids(anyone, "huckleberry") == []

    response = anyone.get(f"/jobs/{job.id}")
    assert response.status_code == 200
    page = text(response)
    assert "This job is no longer open" in page and f"({status}" in page
    assert NOINDEX in page and json_ld(page) is None
    assert "How to apply" not in page

    # a second close does nothing
    response = client.post_form(f"/agency/jobs/{job.id}/close", follow_redirects=True)
    assert f"Only a published job can be closed; this one is {status}." in text(response)

    job.ended_at = utcnow() - timedelta(days=31)
    db.session.commit()
    response = anyone.get(f"/jobs/{job.id}")
    assert response.status_code == 410
    page = text(response)
    assert "This job is no longer available" in page and NOINDEX in page


def test_duplicate(app, client, db, staff, make_job):
    job = make_job(
        agency=staff,
        title="Juniper Youth Worker",
        employment_type="casual",
        hours_per_week=20.0,
        pay_min_cents=2400,
        pay_max_cents=2800,
        union_position=True,
        community_id=community(db, "Nanaimo").id,
        required_credentials=[credential_id(db, "criminal-record-check")],
        preferred_credentials=[credential_id(db, "naloxone")],
    )
    response = client.post_form(f"/agency/jobs/{job.id}/duplicate")
    copy = job_titled(db, "Juniper Youth Worker (copy)")
    assert response.status_code == 302
    assert response.location == f"/agency/jobs/{copy.id}/edit"
    page = text(client.get(response.location))
    assert "A draft copy was made" in page and 'value="Juniper Youth Worker (copy)"' in page

    assert copy.id != job.id and copy.status == "draft" and copy.published_at is None
    assert copy.agency_id == staff.id
    for key in (
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
        "how_to_apply",
        "closes_on",
    ):
        assert getattr(copy, key) == getattr(job, key), key
    assert {(c.credential.code, c.required) for c in copy.credentials} == {
        ("criminal-record-check", True),
        ("naloxone", False),
    }
    share = db.session.scalar(select(JobShare).where(JobShare.job_id == copy.id))
    assert (share.agency_id, share.hours_per_week, share.unionized) == (staff.id, 20.0, True)
    # the original is untouched and the copy is not searchable
    db.session.expire_all()
    assert job.status == "published" and job.title == "Juniper Youth Worker"
    assert search_ids(app.test_client(), "juniper") == [job.id]


def test_extend_published_job(app, client, db, staff, make_job):
    job = make_job(agency=staff, title="Wintergreen Care Aide", closes_on=in_days(5))
    new_date = in_days(60)
    response = client.post_form(
        f"/agency/jobs/{job.id}/extend", {"closes_on": new_date.isoformat()}
    )
    assert response.status_code == 302
    assert f"The job now closes on {new_date:%B %-d, %Y}." in text(client.get(response.location))
    db.session.expire_all()
    assert job.status == "published" and job.closes_on == new_date
    assert search_ids(app.test_client(), "wintergreen") == [job.id]


@pytest.mark.parametrize("new_date", [-1, 181])
def test_extend_refuses_bad_dates(client, db, staff, make_job, new_date):
    job = make_job(agency=staff, closes_on=in_days(5))
    response = client.post_form(
        f"/agency/jobs/{job.id}/extend",
        {"closes_on": in_days(new_date).isoformat()},
        follow_redirects=True,
    )
    page = text(response)
    assert ("must be today or later" in page) or ("at most 180 days" in page)
    db.session.expire_all()
    assert job.closes_on == in_days(5)


@pytest.mark.parametrize("status", ["closed", "expired"])
def test_renew_ended_job(app, client, db, staff, make_job, status):
    job = make_job(
        agency=staff, status=status, title="Bramble Support Worker", closes_on=in_days(1)
    )
    anyone = app.test_client()
    assert search_ids(anyone, "bramble") == []
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert "Renew: publish again until" in page

    new_date = in_days(45)
    response = client.post_form(
        f"/agency/jobs/{job.id}/extend", {"closes_on": new_date.isoformat()}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert job.status == "published" and job.closes_on == new_date
    assert job.ended_at is None
    assert search_ids(anyone, "bramble") == [job.id]


# --- 6. expiry ---------------------------------------------------------------------------


def make_due(db, *jobs) -> None:
    """Closing dates in the past, changed directly in the database (as time passing would)."""
    for job in jobs:
        job.closes_on = in_days(-1)
    db.session.commit()


def test_expire_command(app, db, runner, make_job):
    due = make_job(title="Foxglove Support Worker")
    due_too = make_job(title="Foxglove Night Worker")
    open_job = make_job(title="Foxglove Day Worker")
    draft = make_job(status="draft", title="Foxglove Draft Worker")
    make_due(db, due, due_too, draft)
    anyone = app.test_client()
    assert sorted(search_ids(anyone, "foxglove")) == sorted([due.id, due_too.id, open_job.id])

    result = runner.invoke(args=["jobs", "expire"])
    assert result.exit_code == 0, result.output
    assert "expired 2 jobs" in result.output
    db.session.expire_all()
    assert (due.status, due_too.status, open_job.status, draft.status) == (
        "expired",
        "expired",
        "published",
        "draft",
    )
    ended = due.ended_at
    assert ended is not None
    assert search_ids(anyone, "foxglove") == [open_job.id]
    page = text(anyone.get(f"/jobs/{due.id}"))
    assert "This job is no longer open" in page and "(expired" in page

    result = runner.invoke(args=["jobs", "expire"])  # again: nothing more to do
    assert result.exit_code == 0 and "expired 0 jobs" in result.output
    db.session.expire_all()
    assert due.status == "expired" and due.ended_at == ended
    assert open_job.status == "published"
    assert search_ids(anyone, "foxglove") == [open_job.id]


def test_worker_expires_jobs(app, db, runner, make_job):
    due = make_job(title="Goldenrod Support Worker")
    open_job = make_job(title="Goldenrod Day Worker")
    due_id, open_id = due.id, open_job.id
    make_due(db, due)
    anyone = app.test_client()
    assert sorted(search_ids(anyone, "goldenrod")) == sorted([due_id, open_id])

    result = runner.invoke(args=["portal", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "expire-jobs: expired 1" in result.output
    assert db.session.get(Job, due_id).status == "expired"
    assert db.session.get(Job, open_id).status == "published"
    assert search_ids(anyone, "goldenrod") == [open_id]

    result = runner.invoke(args=["portal", "worker", "--once"])
    assert result.exit_code == 0 and "expire-jobs: expired 0" in result.output
    assert search_ids(anyone, "goldenrod") == [open_id]


def test_a_job_changed_while_it_expires_is_left_to_the_next_pass(app, db, runner, make_job):
    """Another worker (or an edit) changed one due job between the read and the write:
    that job is skipped without an error, the others expire, the next pass expires it."""
    from sqlalchemy import event, update

    first, second = make_job(title="Bracken Support Worker"), make_job(title="Bracken Cook")
    make_due(db, first)
    make_due(db, second)
    first_id, second_id = first.id, second.id
    db.session.expire_all()

    def changed_elsewhere(mapper, connection, job):  # just before the job's UPDATE
        if job.id == first_id and job.status == "expired":
            connection.execute(
                update(Job.__table__)
                .where(Job.__table__.c.id == first_id)
                .values(version_id=Job.__table__.c.version_id + 1)
            )

    event.listen(Job, "before_update", changed_elsewhere)
    try:
        result = runner.invoke(args=["portal", "worker", "--once"])
    finally:
        event.remove(Job, "before_update", changed_elsewhere)
    assert result.exit_code == 0, result.output
    assert "expire-jobs: expired 1" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Job, first_id).status == "published"
    assert db.session.get(Job, second_id).status == "expired"
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert "expire-jobs: expired 1" in result.output
    assert db.session.get(Job, first_id).status == "expired"


# --- 7. moderation -----------------------------------------------------------------------


def test_admin_unpublishes_with_reason(app, client, db, staff, make_job, make_user, login):
    job = make_job(agency=staff, title="Snapdragon Youth Worker")
    anyone = app.test_client()
    assert search_ids(anyone, "snapdragon") == [job.id]
    admin = app.test_client()
    login(admin, make_user(role="admin", two_step=True))
    assert "Moderation" in text(admin.get(f"/jobs/{job.id}"))

    # a reason is required
    response = admin.post_form(f"/admin/jobs/{job.id}/unpublish", {"reason": "  "})
    assert response.status_code == 302
    assert "Give a reason: the agency will see it." in text(admin.get(response.location))
    db.session.expire_all()
    assert job.status == "published" and job.moderation_reason is None
    assert search_ids(anyone, "snapdragon") == [job.id]

    response = admin.post_form(
        f"/admin/jobs/{job.id}/unpublish", {"reason": "The pay range is not the real one."}
    )
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    assert "The job is unpublished and has left search." in text(admin.get(response.location))
    db.session.expire_all()
    assert job.status == "closed" and job.ended_at is not None
    assert job.moderation_reason == "The pay range is not the real one."
    assert search_ids(anyone, "snapdragon") == []

    # the agency sees why; the public does not
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert "An administrator unpublished this job: The pay range is not the real one." in page
    assert "Renew: publish again" not in page
    assert "The pay range is not the real one." not in text(anyone.get(f"/jobs/{job.id}"))

    # and cannot simply publish it again
    response = client.post_form(f"/agency/jobs/{job.id}/publish", follow_redirects=True)
    assert "An administrator unpublished this job" in text(response)
    response = client.post_form(
        f"/agency/jobs/{job.id}/extend",
        {"closes_on": in_days(40).isoformat()},
        follow_redirects=True,
    )
    assert "An administrator unpublished this job" in text(response)
    db.session.expire_all()
    assert job.status == "closed"
    assert search_ids(anyone, "snapdragon") == []


@pytest.mark.parametrize("role", ["owner", "recruiter", "seeker", "champion"])
def test_only_admins_unpublish(app, db, staff, make_job, make_user, make_recruiter, login, role):
    job = make_job(agency=staff, title="Yarrow Care Aide")
    user = {"owner": staff.owner, "recruiter": make_recruiter(staff)}.get(role) or make_user(
        role=role
    )
    someone = app.test_client()
    login(someone, user)
    response = someone.post_form(f"/admin/jobs/{job.id}/unpublish", {"reason": "Because."})
    assert response.status_code == 403
    db.session.expire_all()
    assert job.status == "published" and job.moderation_reason is None
    assert search_ids(app.test_client(), "yarrow") == [job.id]


# --- 8. the agency's job list ------------------------------------------------------------


def dashboard_rows(page: str) -> dict[str, tuple[str, int]]:
    """Title -> (status, views) for each row of the agency's job table."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL):
        title = re.search(r'<a href="/agency/jobs/\d+/edit">([^<]+)</a>', row)
        if title:
            status = re.search(r'<span class="badge[^"]*">([^<]+)</span>', row).group(1)
            views = int(re.search(r'<td class="text-end">(\d+)</td>', row).group(1))
            rows[title.group(1)] = (status, views)
    return rows


def test_agency_job_list(app, client, db, staff, make_job, make_agency, make_user, login):
    alpha = make_job(agency=staff, title="Alpha Outreach Worker")
    beta = make_job(agency=staff, status="draft", title="Beta Draft Worker")
    make_job(agency=staff, status="closed", title="Gamma Closed Worker")
    make_job(agency=make_agency(name="Somebody Else"), title="Delta Other Agency Worker")

    rows = dashboard_rows(text(client.get("/agency/jobs")))
    assert rows == {
        "Alpha Outreach Worker": ("Published", 0),
        "Beta Draft Worker": ("Draft", 0),
        "Gamma Closed Worker": ("Closed", 0),
    }
    assert set(dashboard_rows(text(client.get("/agency/jobs?status=draft")))) == {
        "Beta Draft Worker"
    }
    assert set(dashboard_rows(text(client.get("/agency/jobs?status=closed")))) == {
        "Gamma Closed Worker"
    }
    assert set(dashboard_rows(text(client.get("/agency/jobs?q=ALPHA")))) == {
        "Alpha Outreach Worker"
    }
    assert set(dashboard_rows(text(client.get("/agency/jobs?q=worker&status=published")))) == {
        "Alpha Outreach Worker"
    }
    assert "No jobs match this filter" in text(client.get("/agency/jobs?q=delta"))

    # views: anyone's visit counts, nobody is recorded; drafts and staff previews don't count
    seeker = app.test_client()
    login(seeker, make_user(role="seeker"))
    audit_before = count(db, AuditEvent)
    last_edit = utcnow() - timedelta(days=3)
    alpha.updated_at = last_edit
    db.session.commit()
    for visitor in (app.test_client(), app.test_client(), seeker):
        assert visitor.get(f"/jobs/{alpha.id}").status_code == 200
    assert client.get(f"/jobs/{beta.id}").status_code == 200
    db.session.expire_all()
    assert (alpha.view_count, beta.view_count) == (3, 0)
    assert alpha.updated_at == last_edit  # a view is not an edit
    assert count(db, AuditEvent) == audit_before  # who viewed is not recorded
    rows = dashboard_rows(text(client.get("/agency/jobs")))
    assert rows["Alpha Outreach Worker"] == ("Published", 3)
    assert rows["Beta Draft Worker"] == ("Draft", 0)


def test_recruiter_sees_the_agency_jobs(app, db, staff, make_job, make_recruiter, login):
    make_job(agency=staff, title="Alpha Outreach Worker")
    recruiter = app.test_client()
    login(recruiter, make_recruiter(staff))
    assert set(dashboard_rows(text(recruiter.get("/agency/jobs")))) == {"Alpha Outreach Worker"}


def test_bulk_close(app, client, db, staff, make_job, make_agency):
    first = make_job(agency=staff, title="Cobalt Support Worker")
    second = make_job(agency=staff, title="Cobalt Night Worker")
    kept = make_job(agency=staff, title="Cobalt Day Worker")
    draft = make_job(agency=staff, status="draft", title="Cobalt Draft Worker")
    theirs = make_job(agency=make_agency(name="Another Society"), title="Cobalt Their Worker")
    anyone = app.test_client()
    assert len(search_ids(anyone, "cobalt")) == 4

    response = client.post_form(
        "/agency/jobs/bulk-close",
        {"job_id": [str(first.id), str(second.id), str(draft.id), str(theirs.id), "not-a-number"]},
    )
    assert response.status_code == 302 and response.location == "/agency/jobs"
    assert "Closed 2 jobs." in text(client.get(response.location))
    db.session.expire_all()
    assert (first.status, second.status, kept.status, draft.status, theirs.status) == (
        "closed",
        "closed",
        "published",
        "draft",
        "published",
    )
    assert theirs.ended_at is None
    assert sorted(search_ids(anyone, "cobalt")) == sorted([kept.id, theirs.id])


def test_other_agency_cannot_act_on_jobs(app, client, db, make_job, make_agency, login):
    theirs = make_job(agency=make_agency(name="Their Society"), title="Indigo Youth Worker")
    login(client, make_agency(name="Our Society").owner)
    for action in ("close", "fill", "duplicate"):
        assert client.post_form(f"/agency/jobs/{theirs.id}/{action}").status_code == 404
    assert (
        client.post_form(
            f"/agency/jobs/{theirs.id}/extend", {"closes_on": in_days(50).isoformat()}
        ).status_code
        == 404
    )
    assert (
        client.post_form(
            f"/agency/jobs/{theirs.id}/edit", job_form(db, title="Hijacked", version_id="1")
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert theirs.status == "published" and theirs.title == "Indigo Youth Worker"
    assert theirs.closes_on == in_days(30)
    assert count(db, Job) == 1
    assert search_ids(app.test_client(), "indigo") == [theirs.id]


# --- 9. agency status and search ---------------------------------------------------------


def test_suspending_agency_removes_its_jobs_from_search(
    app, db, make_agency, make_job, make_user, login
):
    agency = make_agency(name="Heron Society")
    job = make_job(agency=agency, title="Ptarmigan Support Worker")
    other = make_job(title="Ptarmigan Night Worker")
    anyone = app.test_client()
    assert sorted(search_ids(anyone, "ptarmigan")) == sorted([job.id, other.id])
    admin = app.test_client()
    login(admin, make_user(role="admin", two_step=True))

    response = admin.post_form(
        f"/admin/agencies/{agency.id}", {"suspend": "Suspend", "reason": "Complaints under review."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert agency.status == "suspended"
    assert search_ids(anyone, "ptarmigan") == [other.id]
    assert job.status == "published"  # the agency's own state of the job is kept

    response = admin.post_form(f"/admin/agencies/{agency.id}", {"approve": "Approve"})
    assert response.status_code == 302
    db.session.expire_all()
    assert agency.status == "approved"
    assert sorted(search_ids(anyone, "ptarmigan")) == sorted([job.id, other.id])


# --- 10. the job page --------------------------------------------------------------------


DANGEROUS = (
    "## Duties\n\n- Support residents\n- Plan **outings**\n\n"
    "<script>alert(1)</script>\n\n"
    "Photo: <img src=x onerror=alert(1)>\n\n"
    "[click here](javascript:alert(1))\n"
)


def test_job_page(app, db, make_agency, make_job):
    agency = make_agency(name="Osprey Community Services", website="https://osprey.example.org")
    job = make_job(
        agency=agency,
        title="Community Support Worker",
        description=DANGEROUS,
        community_id=community(db, "Nanaimo").id,
        employment_type="part_time",
        pay_min_cents=2650,
        pay_max_cents=3100,
        closes_on=in_days(20),
        required_credentials=[credential_id(db, "criminal-record-check")],
    )
    response = app.test_client().get(f"/jobs/{job.id}")
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    page = html.unescape(raw)

    # Markdown, sanitised
    assert "<h2>Duties</h2>" in raw
    assert "<li>Support residents</li>" in raw and "<li>Plan <strong>outings</strong></li>" in raw
    assert "click here" in page
    for bad in ("alert(1)", "onerror", "javascript:", "<img"):
        assert bad not in raw, bad
    assert "<script>" not in raw.replace('<script type="application/ld+json">', "")

    # facts
    assert "$26.50–$31 an hour" in page
    assert "Part-time, 37.5 hours a week" in page
    assert "Nanaimo, Vancouver Island/Coast" in page
    assert "Criminal record check (BC Criminal Records Review Program)" in page
    workbc = re.search(r'<a href="(https://www\.workbc\.ca/career-profiles/[^"]+)"', raw)
    assert workbc and workbc.group(1).endswith("/social-and-community-service-workers")
    assert "WorkBC career profile" in page
    assert "How to apply" in page and NOINDEX not in page

    # schema.org JobPosting
    data = json_ld(raw)
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Community Support Worker"
    # the day of publishing (in UTC today; the BC date would be as right)
    assert data["datePosted"] in {
        job.published_at.date().isoformat(),
        job.published_at.astimezone(PACIFIC).date().isoformat(),
    }
    end_of_closing_day = datetime.combine(in_days(20), time(23, 59), tzinfo=PACIFIC)
    assert datetime.fromisoformat(data["validThrough"]) == end_of_closing_day
    assert data["employmentType"] == "PART_TIME"
    assert data["hiringOrganization"]["name"] == "Osprey Community Services"
    assert data["hiringOrganization"]["sameAs"] == "https://osprey.example.org"
    assert data["jobLocation"]["address"]["addressLocality"] == "Nanaimo"
    assert data["jobLocation"]["address"]["addressRegion"] == "BC"
    salary = data["baseSalary"]
    assert salary["currency"] == "CAD"
    assert (
        salary["value"]["minValue"],
        salary["value"]["maxValue"],
        salary["value"]["unitText"],
    ) == (26.5, 31.0, "HOUR")
    assert data["url"] == f"http://localhost/jobs/{job.id}"
    assert "<h2>Duties</h2>" in data["description"]
    for bad in ("alert(1)", "onerror", "javascript:", "<img", "<script"):
        assert bad not in data["description"], bad


def test_json_ld_annual_pay(app, db, make_job):
    job = make_job(
        pay_min_cents=55000_00, pay_max_cents=62000_00, pay_unit="annual", employment_type="casual"
    )
    raw = app.test_client().get(f"/jobs/{job.id}").get_data(as_text=True)
    data = json_ld(raw)
    assert (
        data["baseSalary"]["value"]["minValue"],
        data["baseSalary"]["value"]["maxValue"],
        data["baseSalary"]["value"]["unitText"],
    ) == (55000.0, 62000.0, "YEAR")
    assert data["employmentType"] == "PER_DIEM"
    assert "$55,000–$62,000 a year" in html.unescape(raw)


def test_similar_jobs(app, db, make_job):
    job = make_job(title="Community Support Worker")
    similar = make_job(title="Residential Community Support Worker")
    make_job(status="draft", title="Draft Community Support Worker")
    make_job(status="closed", title="Closed Community Support Worker")
    page = text(app.test_client().get(f"/jobs/{job.id}"))
    assert "Similar jobs" in page
    section = page.split("Similar jobs", 1)[1]
    listed = re.findall(r'<a href="/jobs/(\d+)">([^<]+)</a>', section)
    assert (str(similar.id), "Residential Community Support Worker") in listed
    assert {title for _id, title in listed} == {"Residential Community Support Worker"}


def test_job_of_a_suspended_agency_is_not_public(app, client, db, make_job, make_user, login):
    job = make_job(title="Hidden While Suspended")
    job.agency.status = "suspended"
    db.session.commit()
    assert client.get(f"/jobs/{job.id}").status_code == 404
    staff_client = app.test_client()
    login(staff_client, job.agency.owner)
    assert staff_client.get(f"/jobs/{job.id}").status_code == 200


def test_dashboard_title_filter_treats_wildcards_literally(client, db, staff, make_job):
    make_job(agency=staff, title="Youth Worker")
    make_job(agency=staff, title="100% Youth Worker")
    page = text(client.get("/agency/jobs", query_string={"q": "%"}))
    assert "100% Youth Worker" in page and ">Youth Worker<" not in page


def test_extend_refuses_a_draft(client, db, staff, make_job):
    job = make_job(agency=staff, status="draft")
    before = job.closes_on
    client.post_form(f"/agency/jobs/{job.id}/extend", {"closes_on": in_days(40).isoformat()})
    db.session.expire_all()
    assert job.closes_on == before and job.status == "draft"


# --- the agency's own reference (requisition number) -----------------------------------


def test_the_agency_keeps_its_own_reference(client, db, staff, make_job):
    page = text(client.get("/agency/jobs/new"))
    assert (
        '<label class="form-label" for="reference">Your reference '
        '<span class="optional">(optional)</span></label>'
    ) in page
    assert "Your own requisition number, shown in feeds for your HR system" in page
    response = client.post_form("/agency/jobs/new", job_form(db, reference="  REQ-2026-042 "))
    assert response.status_code == 302
    job = job_titled(db, "Residential Support Worker")
    assert job.reference == "REQ-2026-042"
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert 'name="reference" type="text" value="REQ-2026-042"' in page

    other = make_job(agency=staff, title="Cook")
    listing = text(client.get("/agency/jobs"))
    assert "Part-time · Ref. REQ-2026-042</span>" in listing
    found = text(client.get("/agency/jobs?q=req-2026"))  # the search finds it by reference
    assert "Residential Support Worker" in found and other.title not in found

    response = client.post_form(
        f"/agency/jobs/{job.id}/edit", job_form(db, reference="", version_id=version_on(page))
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert job.reference is None and "Ref." not in text(client.get("/agency/jobs"))


def test_a_reference_too_long_is_refused(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, reference="R" * 61))
    page = text(response)
    assert field_error(page, "reference") == "Field cannot be longer than 60 characters."
    assert 'value="' + "R" * 61 + '"' in page  # kept on the form
    assert job_titled(db, "Residential Support Worker") is None


def test_the_reference_through_the_services(db, staff, make_job):
    job = make_job(agency=staff, reference="HR-7")
    data = job_fields(db, title="Renamed")  # a caller that does not give a reference
    services.update_job(job, data, job.version_id, staff.owner)
    db.session.commit()
    assert job.title == "Renamed" and job.reference == "HR-7"
    with pytest.raises(PortalError, match="at most 60 characters"):
        services.update_job(job, {**data, "reference": "x" * 61}, job.version_id, staff.owner)
    db.session.rollback()
    copy = services.duplicate(job, staff.owner)  # a copy is another posting: no reference
    db.session.commit()
    assert copy.reference is None and fresh(db, Job, job.id).reference == "HR-7"
